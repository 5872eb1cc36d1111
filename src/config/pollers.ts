import type { PollerConfig, PollerType } from '../pollers/index.js';
import { UserError } from '../util/errors.js';
import { parseSpec, readTyped, secretFrom, type FieldDef } from './table.js';
import { bool, duration, int, list, string } from './values.js';

const rateLimitWait: FieldDef = { kind: duration, default: 60_000, option: 'maxRateLimitWaitMs' };
const lookback: FieldDef = { kind: duration, default: 3_600_000, option: 'lookbackMs' };

/** Each poller type's settings in vigil.yaml (snake case), with their defaults. */
const FIELDS: { [T in PollerType]: Record<string, FieldDef> } = {
  cloudtrail_s3: {
    bucket: { kind: string },
    prefix: { kind: string, default: '' },
    organization: { kind: string, default: '' },
    accounts: { kind: list },
    regions: { kind: list },
    since: { kind: string, default: '' },
    endpoint: { kind: string, default: '' },
    region: { kind: string, default: 'us-east-1' },
    queue_url: { kind: string, default: '' },
    sqs_endpoint: { kind: string, default: '' },
  },
  okta: {
    url: { kind: string },
    token_env: { kind: string, default: 'VIGIL_OKTA_API_TOKEN' },
    lookback,
    limit: { kind: int(1, 1000), default: 1000 },
    max_rate_limit_wait: rateLimitWait,
  },
  github_audit: {
    organization: { kind: string },
    url: { kind: string, default: 'https://api.github.com' },
    token_env: { kind: string, default: 'VIGIL_GITHUB_TOKEN' },
    lookback,
    per_page: { kind: int(1, 100), default: 100 },
    max_rate_limit_wait: rateLimitWait,
  },
};

const COMMON: Record<string, FieldDef> = {
  name: { kind: string, default: undefined },
  enabled: { kind: bool, default: true },
  interval: { kind: duration, default: 60_000 },
  backoff: { kind: duration, default: 1_000 },
  max_backoff: { kind: duration, default: 300_000 },
};

export const POLLER_TYPES = Object.keys(FIELDS) as PollerType[];

/** One poller's settings, checked; its token is read from the environment variable it names. */
export function readPoller(raw: unknown, place: (key?: string) => string, env: NodeJS.ProcessEnv): PollerConfig {
  const { type, options, common } = readTyped<PollerType>('poller', raw, COMMON, FIELDS, place);
  if (options.tokenEnv) {
    options.token = secretFrom(env, options.tokenEnv as string, `the ${type} API token`, place());
    delete options.tokenEnv;
  }
  if (typeof options.url === 'string' && !/^https?:\/\//.test(options.url)) throw new UserError(`${place('url')}: expected an http:// or https:// URL`);
  if (type === 'cloudtrail_s3' && options.since && !/^\d{4}-\d{2}-\d{2}$/.test(options.since as string)) {
    throw new UserError(`${place('since')}: expected a day as YYYY-MM-DD`);
  }
  return {
    name: (common('name') as string | undefined) ?? type,
    type,
    enabled: common('enabled') as boolean,
    timing: { intervalMs: common('interval') as number, backoffMs: common('backoff') as number, maxBackoffMs: common('max_backoff') as number },
    options,
  } as unknown as PollerConfig;
}

/** `--poller okta,url=https://acme.okta.com` as the mapping vigil.yaml would hold. */
export function parsePollerSpec(spec: string): Record<string, string> {
  return parseSpec('--poller', spec);
}
