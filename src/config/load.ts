import { existsSync, readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { OutputConfig } from '../outputs/index.js';
import type { PollerConfig } from '../pollers/index.js';
import type { Priority } from '../records/index.js';
import type { ServiceOptions } from '../server/index.js';
import { positionAt, formatPosition, UserError } from '../util/errors.js';
import { envName, flagName, OPTIONS, type OptionDef } from './options.js';
import { parseOutputSpec, readOutput } from './outputs.js';
import { parsePollerSpec, readPoller } from './pollers.js';
import { readValue } from './values.js';

export const DEFAULT_CONFIG_FILE = 'vigil.yaml';

export interface ConfigInputs {
  /** `--config`; without it ./vigil.yaml is read when it exists. */
  file?: string;
  /** Flag values by option path (`server.port`), as text. */
  flags?: Record<string, string>;
  /** `--output` specs. */
  outputs?: string[];
  /** `--poller` specs. */
  pollers?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface VigilConfig {
  service: ServiceOptions;
  rules: string[];
  /** Declared inventories and snapshots that give alerts their asset context. */
  assets: string[];
  minimumPriority: Priority;
  /** The YAML file read, if any. */
  file?: string;
}

/** The parsed YAML file with a way to name the place of any of its keys. */
interface YamlSource {
  file: string;
  value: Record<string, unknown>;
  place(path: Array<string | number>, label: string): string;
}

function readYaml(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const doc: Document = parseDocument(text, { prettyErrors: false });
  const where = (offset: number) => formatPosition(positionAt(text, offset, file));
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UserError(`${where(e.pos[0])}: ${e.message.split('\n')[0]}`);
  }
  const value = doc.toJS() ?? {};
  if (!isMap(doc.contents) && doc.contents !== null) throw new UserError(`${file}:1:1: expected a mapping of settings`);
  return {
    file,
    value,
    place(path, label) {
      // The key's own node when there is one (its position), else the nearest parent that exists.
      for (let n = path.length; n > 0; n--) {
        const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === path[n - 1]);
          const range = (pair?.key as { range?: [number, number] })?.range;
          if (range) return `${where(range[0])}: ${label}`;
        }
        if (isSeq(parent)) {
          const item = parent.items[path[n - 1] as number] as { range?: [number, number] } | undefined;
          if (item?.range) return `${where(item.range[0])}: ${label}`;
        }
      }
      return `${file}: ${label}`;
    },
  };
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Every key of the YAML file must be a known setting (a typo is an error, not a silent default). */
function checkKeys(yaml: YamlSource) {
  const known = new Set(OPTIONS.map((o) => o.path));
  const groups = new Set(OPTIONS.filter((o) => o.path.includes('.')).map((o) => o.path.split('.')[0]!));
  for (const [key, value] of Object.entries(yaml.value)) {
    if (key === 'outputs' || key === 'pollers' || known.has(key)) continue;
    if (!groups.has(key) || value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UserError(yaml.place([key], `unknown setting ${key}`));
    }
    for (const sub of Object.keys(value)) {
      const path = `${key}.${sub}`;
      const option = OPTIONS.find((o) => o.path === path);
      if (!option) throw new UserError(yaml.place([key, sub], `unknown setting ${path}`));
    }
  }
}

function secretInFile(option: OptionDef, yaml: YamlSource): never {
  throw new UserError(
    yaml.place(option.path.split('.'), `${option.path} is a secret: give it in the environment variable ${envName(option)}, not in the file`),
  );
}

/**
 * The settings of `vigil serve`: defaults, then vigil.yaml, then the environment, then flags.
 * Every value is checked, and an error names its place (file:line:column, flag or variable).
 */
export function loadConfig(inputs: ConfigInputs = {}): VigilConfig {
  const env = inputs.env ?? process.env;
  const flags = inputs.flags ?? {};
  const file = inputs.file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const yaml = file ? readYaml(file) : undefined;
  if (yaml) checkKeys(yaml);

  const values = new Map<string, unknown>();
  for (const option of OPTIONS) {
    const fromFile = yaml ? getPath(yaml.value, option.path) : undefined;
    let value = option.default;
    if (fromFile !== undefined && fromFile !== null) {
      if (option.secret) secretInFile(option, yaml!);
      value = readValue(option.kind, fromFile, yaml!.place(option.path.split('.'), option.path));
    }
    const variable = envName(option);
    if (env[variable] !== undefined) value = readValue(option.kind, env[variable], variable);
    if (flags[option.path] !== undefined && !option.secret) value = readValue(option.kind, flags[option.path], `--${option.alias ?? flagName(option)}`);
    values.set(option.path, value);
  }
  const get = <T>(path: string) => values.get(path) as T;

  const outputs: OutputConfig[] = [];
  const fileOutputs = yaml?.value.outputs;
  if (fileOutputs !== undefined && fileOutputs !== null) {
    if (!Array.isArray(fileOutputs)) throw new UserError(yaml!.place(['outputs'], 'outputs: expected a list of outputs'));
    fileOutputs.forEach((raw, i) =>
      outputs.push(readOutput(raw, (key) => yaml!.place(key ? ['outputs', i, key] : ['outputs', i], key ? `outputs[${i}].${key}` : `outputs[${i}]`), env)),
    );
  }
  for (const spec of inputs.outputs ?? []) outputs.push(readOutput(parseOutputSpec(spec), (key) => `--output ${spec}${key ? ` (${key})` : ''}`, env));
  if (!outputs.length) {
    outputs.push(readOutput({ type: 'stdout', format: 'text' }, () => 'default output', env));
  }
  if (!outputs.some((o) => o.type === 'store')) outputs.push(readOutput({ type: 'store' }, () => 'default output', env));
  const names = new Set<string>();
  for (const o of outputs) {
    if (names.has(o.name)) throw new UserError(`outputs: two outputs are named ${o.name}; give each a distinct name`);
    names.add(o.name);
  }

  const pollers: PollerConfig[] = [];
  const filePollers = yaml?.value.pollers;
  if (filePollers !== undefined && filePollers !== null) {
    if (!Array.isArray(filePollers)) throw new UserError(yaml!.place(['pollers'], 'pollers: expected a list of pollers'));
    filePollers.forEach((raw, i) =>
      pollers.push(readPoller(raw, (key) => yaml!.place(key ? ['pollers', i, key] : ['pollers', i], key ? `pollers[${i}].${key}` : `pollers[${i}]`), env)),
    );
  }
  for (const spec of inputs.pollers ?? []) pollers.push(readPoller(parsePollerSpec(spec), (key) => `--poller ${spec}${key ? ` (${key})` : ''}`, env));
  const pollerNames = new Set<string>();
  for (const p of pollers) {
    if (pollerNames.has(p.name)) throw new UserError(`pollers: two pollers are named ${p.name}; give each a distinct name (its checkpoints are kept by name)`);
    pollerNames.add(p.name);
  }

  return {
    file,
    rules: get('rules'),
    assets: get('assets'),
    minimumPriority: get('minimum_priority'),
    service: {
      host: get('server.host'),
      port: get('server.port'),
      bodyLimit: get('server.body_limit'),
      auth: {
        ingestToken: get('auth.ingest_token'),
        apiToken: get('auth.api_token'),
        githubSecret: get('auth.github_secret'),
        oktaAuthorization: get('auth.okta_authorization'),
      },
      store: get('store.location'),
      retentionMs: get('store.retention'),
      pipeline: { capacity: get('server.queue_capacity'), batchSize: get('server.batch_size') },
      outputs: {
        outputs,
        dedup: { windowMs: get('dedup.window'), fields: get('dedup.fields') },
        deadLetterPath: get('dead_letter'),
        delivery: {
          attempts: get('delivery.attempts'),
          backoffMs: get('delivery.backoff'),
          maxBackoffMs: get('delivery.max_backoff'),
          capacity: get('delivery.queue_capacity'),
        },
      },
      replay: get('replay'),
      pollers: pollers.filter((p) => p.enabled),
      shutdownGraceMs: get('server.shutdown_grace'),
      deadLetterRetryMs: get('delivery.dead_letter_retry'),
      drift: driftOptions(
        {
          expected: get('drift.expected'),
          snapshot: get('drift.snapshot'),
          saveIntervalMs: get('drift.save_interval'),
          refresh: get('drift.refresh'),
          endpoint: get('drift.aws_endpoint'),
          region: get('drift.aws_region'),
        },
        yaml,
      ),
    },
  };
}

interface DriftSettings {
  expected: string[];
  snapshot?: string;
  saveIntervalMs: number;
  refresh: 'off' | 'aws';
  endpoint?: string;
  region?: string;
}

/**
 * Event-driven drift needs both states or neither, and its API settings need it; the files
 * themselves are read (and checked) at start, and so are the AWS credentials.
 */
function driftOptions(s: DriftSettings, yaml: YamlSource | undefined): ServiceOptions['drift'] {
  const fail = (given: string, message: string): never => {
    const fromFile = yaml && getPath(yaml.value, given) !== undefined;
    throw new UserError(fromFile ? yaml.place(given.split('.'), message) : message);
  };
  const { expected, snapshot } = s;
  if (s.refresh === 'off') {
    if (s.endpoint !== undefined) fail('drift.aws_endpoint', 'drift.aws_endpoint is set but drift.refresh is not aws');
    if (s.region !== undefined) fail('drift.aws_region', 'drift.aws_region is set but drift.refresh is not aws');
  }
  if (!expected.length && snapshot === undefined) {
    if (s.refresh !== 'off') fail('drift.refresh', 'drift.refresh is set but drift.expected and drift.snapshot are not: there is no event-driven drift to refresh');
    return undefined;
  }
  if (!expected.length || snapshot === undefined) {
    const [given, missing] = expected.length ? ['drift.expected', 'drift.snapshot'] : ['drift.snapshot', 'drift.expected'];
    fail(given, `${given} is set but ${missing} is not: event-driven drift needs the expected state and the actual-state snapshot`);
  }
  return {
    expected,
    snapshot: snapshot!,
    saveIntervalMs: s.saveIntervalMs,
    ...(s.refresh === 'aws' ? { refresh: { ...(s.endpoint ? { endpoint: s.endpoint } : {}), ...(s.region ? { region: s.region } : {}) } } : {}),
  };
}
