import type { OutputConfig, OutputType } from '../outputs/index.js';
import { UserError } from '../util/errors.js';
import { parseSpec, readTyped, secretFrom, type FieldDef } from './table.js';
import { bool, duration, int, map, oneOf, priority, size, string } from './values.js';

/** Each output type's settings in vigil.yaml (snake case), with their defaults. */
const FIELDS: { [T in OutputType]: Record<string, FieldDef> } = {
  stdout: { format: { kind: oneOf('text', 'json'), default: 'text' } },
  file: {
    path: { kind: string },
    max_size: { kind: size, default: 100 * 1024 ** 2, option: 'maxBytes' },
    keep: { kind: int(0, 1000), default: 5 },
  },
  webhook: {
    url: { kind: string },
    headers: { kind: map, default: {} },
    headers_env: { kind: map, default: {} },
    timeout: { kind: duration, default: 10_000, option: 'timeoutMs' },
  },
  slack: {
    url_env: { kind: string, default: 'VIGIL_SLACK_WEBHOOK_URL' },
    timeout: { kind: duration, default: 10_000, option: 'timeoutMs' },
  },
  syslog: {
    host: { kind: string, default: '127.0.0.1' },
    port: { kind: int(1, 65535), default: 514 },
    protocol: { kind: oneOf('udp', 'tcp'), default: 'udp' },
    facility: { kind: int(0, 23), default: 16 },
    app_name: { kind: string, default: 'vigil', option: 'appName' },
    timeout: { kind: duration, default: 5_000, option: 'timeoutMs' },
  },
  store: {},
};

const COMMON: Record<string, FieldDef> = {
  name: { kind: string, default: undefined },
  enabled: { kind: bool, default: true },
  minimum_priority: { kind: priority, default: 'debug' },
  dedup: { kind: bool, default: undefined },
};

export const OUTPUT_TYPES = Object.keys(FIELDS) as OutputType[];

/**
 * One output's settings, checked: `place(key)` names where a key is (file:line:column or
 * the flag), `env` resolves the secrets an output names by environment variable.
 */
export function readOutput(
  raw: unknown,
  place: (key?: string) => string,
  env: NodeJS.ProcessEnv,
): OutputConfig {
  const { type, options, common } = readTyped<OutputType>('output', raw, COMMON, FIELDS, place);

  // Secrets named by environment variable, read now so a missing one is a start-up error.
  const secret = (variable: string, what: string) => secretFrom(env, variable, what, place());
  if (type === 'slack') options.url = secret(options.urlEnv as string, 'the Slack webhook URL');
  if (type === 'webhook') {
    const headers = { ...(options.headers as Record<string, string>) };
    for (const [header, variable] of Object.entries(options.headersEnv as Record<string, string>)) headers[header] = secret(variable, `header ${header}`);
    options.headers = headers;
    if (!/^https?:\/\//.test(options.url as string)) throw new UserError(`${place('url')}: expected an http:// or https:// URL`);
  }
  delete options.urlEnv;
  delete options.headersEnv;

  return {
    name: (common('name') as string | undefined) ?? type,
    type,
    enabled: common('enabled') as boolean,
    minimumPriority: common('minimum_priority') as OutputConfig['minimumPriority'],
    dedup: (common('dedup') as boolean | undefined) ?? type !== 'store',
    options,
  } as OutputConfig;
}

/** `--output webhook,url=http://…,minimum_priority=warning` as the mapping vigil.yaml would hold. */
export function parseOutputSpec(spec: string): Record<string, string> {
  return parseSpec('--output', spec);
}
