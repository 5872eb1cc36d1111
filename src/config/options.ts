import { join } from 'node:path';
import { DEFAULT_RULES_DIR, EXAMPLES_DIR } from '../util/paths.js';
import { duration, int, list, oneOf, priority, size, string, type Kind } from './values.js';

/** One setting of `vigil serve`: in vigil.yaml at `path`, as `--flag`, and as an environment variable. */
export interface OptionDef {
  path: string;
  kind: Kind;
  default: unknown;
  help: string;
  /** Secrets come from the environment only (never a flag, never the YAML file, never logged). */
  secret?: boolean;
  /** The environment variable, when not VIGIL_ and the path in capitals. */
  env?: string;
  /** A short flag besides the one derived from the path. */
  alias?: string;
}

/** Every scalar setting. Outputs, a list of their own, are described in outputs.ts. */
export const OPTIONS: OptionDef[] = [
  { path: 'server.host', kind: string, default: '127.0.0.1', help: 'address to listen on', alias: 'host' },
  { path: 'server.port', kind: int(0, 65535), default: 8765, help: 'port to listen on', alias: 'port' },
  { path: 'server.body_limit', kind: size, default: 10 * 1024 ** 2, help: 'largest request body (413 beyond)' },
  { path: 'server.queue_capacity', kind: int(1, 10_000_000), default: 10_000, help: 'events waiting at most before 429' },
  { path: 'server.batch_size', kind: int(1, 100_000), default: 256, help: 'events evaluated per batch' },
  { path: 'server.shutdown_grace', kind: duration, default: 10_000, help: 'time outputs get to deliver at shutdown' },
  { path: 'store.location', kind: string, default: './vigil.db', help: 'SQLite file or postgres:// URL', alias: 'store' },
  { path: 'store.retention', kind: duration, default: 90 * 86_400_000, help: 'delete alerts stored longer ago (0: keep)' },
  { path: 'rules', kind: list, default: [DEFAULT_RULES_DIR], help: 'rules files and directories', alias: 'rules' },
  { path: 'minimum_priority', kind: priority, default: 'debug', help: 'rules below this priority are not run' },
  { path: 'assets', kind: list, default: [], help: 'asset context for alerts: declared inventory YAML (assets: owner, environment, tags) and inventory snapshots' },
  { path: 'replay', kind: list, default: [join(EXAMPLES_DIR, 'events')], help: 'event files replayed once at start' },
  { path: 'dedup.window', kind: duration, default: 60_000, help: 'identical alerts within it are aggregated (0: off)' },
  { path: 'dedup.fields', kind: list, default: [], help: 'output fields that make alerts identical (default: all)' },
  { path: 'delivery.attempts', kind: int(1, 1000), default: 6, help: 'tries per alert batch before the dead-letter file' },
  { path: 'delivery.backoff', kind: duration, default: 250, help: 'first wait between tries (doubles)' },
  { path: 'delivery.max_backoff', kind: duration, default: 30_000, help: 'longest wait between tries' },
  { path: 'delivery.queue_capacity', kind: int(1, 10_000_000), default: 10_000, help: 'alerts waiting per output at most' },
  { path: 'delivery.dead_letter_retry', kind: duration, default: 600_000, help: 'how often dead-lettered alerts are re-sent (0: at start only)' },
  { path: 'dead_letter', kind: string, default: './vigil-dead-letter.jsonl', help: 'where undeliverable alerts are kept' },
  { path: 'drift.expected', kind: list, default: [], help: 'event-driven drift: expected state (Terraform state files or directories, declared inventory YAML)' },
  { path: 'drift.snapshot', kind: string, default: undefined, help: 'event-driven drift: actual-state snapshot kept up to date from CloudTrail events (written back)' },
  { path: 'drift.refresh', kind: oneOf('off', 'aws'), default: 'off', help: 'event-driven drift: off, or aws: after each change event, read the resource again from the AWS API (credentials from the standard AWS chain)' },
  { path: 'drift.aws_endpoint', kind: string, default: undefined, help: 'drift.refresh: one endpoint for every AWS service (LocalStack, a test server)' },
  { path: 'drift.aws_region', kind: string, default: undefined, help: 'drift.refresh: region of the global AWS calls (default: AWS_REGION, else us-east-1)' },
  { path: 'drift.save_interval', kind: duration, default: 60_000, help: 'how often the updated drift snapshot is written back (0: at shutdown only)' },
  { path: 'auth.ingest_token', kind: string, default: undefined, secret: true, env: 'VIGIL_INGEST_TOKEN', help: 'bearer token for /ingest' },
  { path: 'auth.api_token', kind: string, default: undefined, secret: true, env: 'VIGIL_API_TOKEN', help: 'bearer token for /api' },
  { path: 'auth.github_secret', kind: string, default: undefined, secret: true, env: 'VIGIL_GITHUB_SECRET', help: 'GitHub webhook secret' },
  { path: 'auth.okta_authorization', kind: string, default: undefined, secret: true, env: 'VIGIL_OKTA_AUTHORIZATION', help: 'Okta event hook Authorization value' },
];

export function envName(option: OptionDef): string {
  return option.env ?? 'VIGIL_' + option.path.toUpperCase().replace(/\./g, '_');
}

export function flagName(option: OptionDef): string {
  return option.path.replace(/[._]/g, '-');
}
