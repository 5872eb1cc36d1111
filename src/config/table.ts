import { UserError } from '../util/errors.js';
import { readValue, type Kind } from './values.js';

/** One setting of a typed entry (an output, a poller) in vigil.yaml, snake case. */
export interface FieldDef {
  kind: Kind;
  /** Undefined: required. */
  default?: unknown;
  /** The option it becomes, when not its own name in camel case. */
  option?: string;
}

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * Reads one entry of a list of typed entries (`outputs`, `pollers`): `common` settings every
 * type has, then the type's own `fields`, each checked. Returns the type's options (camel
 * case) and a reader of the common settings. `place(key)` names where a key is.
 */
export function readTyped<T extends string>(
  what: string,
  raw: unknown,
  common: Record<string, FieldDef>,
  types: Record<T, Record<string, FieldDef>>,
  place: (key?: string) => string,
): { type: T; options: Record<string, unknown>; common: (key: string) => unknown } {
  const names = Object.keys(types).join(', ');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${place()}: an ${what} is a mapping with a type (${names})`);
  }
  const given = raw as Record<string, unknown>;
  if (given.type === undefined) throw new UserError(`${place()}: ${what} has no type (${names})`);
  const type = readValue({ type: 'enum', values: Object.keys(types) }, given.type, place('type')) as T;
  const fields = types[type];
  for (const key of Object.keys(given)) {
    if (key !== 'type' && !(key in common) && !(key in fields)) {
      throw new UserError(`${place(key)}: unknown setting for a ${type} ${what} (known: ${['type', ...Object.keys(common), ...Object.keys(fields)].join(', ')})`);
    }
  }
  const options: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(fields)) {
    if (given[key] === undefined && def.default === undefined) throw new UserError(`${place()}: a ${type} ${what} needs ${key}`);
    options[def.option ?? camel(key)] = given[key] === undefined ? def.default : readValue(def.kind, given[key], place(key));
  }
  return {
    type,
    options,
    common: (key) => (given[key] === undefined ? common[key]!.default : readValue(common[key]!.kind, given[key], place(key))),
  };
}

/**
 * `--output webhook,url=http://…,minimum_priority=warning` as the mapping vigil.yaml would
 * hold. A piece without `=` continues the previous value: `accounts=111,222` is a list.
 */
export function parseSpec(flag: string, spec: string): Record<string, string> {
  const [type, ...pieces] = spec.split(',');
  const out: Record<string, string> = { type: type!.trim() };
  let last: string | undefined;
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq < 1 && last !== undefined) out[last] += `,${piece.trim()}`;
    else if (eq < 1) throw new UserError(`${flag} ${spec}: expected type,key=value,…`);
    else out[(last = piece.slice(0, eq).trim())] = piece.slice(eq + 1).trim();
  }
  return out;
}

/** A secret an entry names by environment variable, read at start so a missing one is a start-up error. */
export function secretFrom(env: NodeJS.ProcessEnv, variable: string, what: string, place: string): string {
  const value = env[variable];
  if (!value) throw new UserError(`${place}: ${what} comes from the environment variable ${variable}, which is not set`);
  return value;
}
