import { parsePriority, PRIORITIES, type Priority } from '../records/index.js';
import { UserError } from '../util/errors.js';
import { parseDuration } from './duration.js';

/** The kinds of value an option takes, each with its reading from YAML, a flag or the environment. */
export type Kind =
  | { type: 'string' }
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'priority' }
  | { type: 'duration' }
  | { type: 'size' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' }
  | { type: 'map' };

export const string: Kind = { type: 'string' };
export const bool: Kind = { type: 'bool' };
export const priority: Kind = { type: 'priority' };
export const duration: Kind = { type: 'duration' };
export const size: Kind = { type: 'size' };
export const list: Kind = { type: 'list' };
export const map: Kind = { type: 'map' };
export const int = (min: number, max: number): Kind => ({ type: 'int', min, max });
export const oneOf = (...values: string[]): Kind => ({ type: 'enum', values });

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text > 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  return m ? Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!) : undefined;
}

/**
 * Reads a value of a kind; `place` names where it came from (`vigil.yaml:3:9: server.port`,
 * `--port`, `VIGIL_SERVER_PORT`) for the error. Text (flags, environment) is parsed too.
 */
export function readValue(kind: Kind, value: unknown, place: string): unknown {
  const fail = (expected: string): never => {
    throw new UserError(`${place}: expected ${expected}, got ${JSON.stringify(value)}`);
  };
  const text = typeof value === 'string' ? value : undefined;
  switch (kind.type) {
    case 'string':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      return fail('a string');
    case 'int': {
      const n = typeof value === 'number' ? value : text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
      if (!Number.isInteger(n) || n < kind.min || n > kind.max) return fail(`an integer from ${kind.min} to ${kind.max}`);
      return n;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (text !== undefined && /^(true|yes|on|1)$/i.test(text)) return true;
      if (text !== undefined && /^(false|no|off|0)$/i.test(text)) return false;
      return fail('true or false');
    case 'priority': {
      const p = typeof value === 'string' ? parsePriority(value) : undefined;
      return p ?? fail(`a priority (${PRIORITIES.join(', ')})`);
    }
    case 'duration': {
      const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
      return ms ?? fail('a duration such as 500ms, 30s, 5m, 1h, 30d');
    }
    case 'size': {
      const bytes = typeof value === 'string' || typeof value === 'number' ? parseSize(value) : undefined;
      return bytes ?? fail('a size such as 512kb, 10mb');
    }
    case 'enum':
      if (typeof value === 'string' && kind.values.includes(value)) return value;
      return fail(`one of ${kind.values.join(', ')}`);
    case 'list':
      if (text !== undefined) return text.split(',').map((s) => s.trim()).filter(Boolean);
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
      return fail('a list of strings');
    case 'map':
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) return value;
      return fail('a mapping of strings to strings');
  }
}

export type { Priority };
