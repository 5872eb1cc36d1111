import { bytesToString } from './bytes.js';
/** Falco's string escaping (libsinsp filter/escaping.cpp): how quoted values are read and printed. */

const ESCAPED: Record<string, string> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\\': '\\\\',
  '"': '\\"',
};

/** Quotes a value for re-use in a condition, only when it has to be quoted. */
export function escapeString(value: string): string {
  let out = '';
  let quote = false;
  for (const ch of value) {
    const esc = ESCAPED[ch];
    if (esc !== undefined) {
      out += esc;
      quote = true;
    } else {
      if (ch === ' ' || ch === '=' || ch === "'" || ch === '\0') quote = true;
      out += ch;
    }
  }
  return quote ? `"${out}"` : out;
}

export class EscapeError extends Error {}

const UNESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', ' ': '\\', '\\': '\\', '/': '/' };

/**
 * Reads a quoted literal, quotes included. `\xHH` gives a raw byte (see bytes.ts for how
 * bytes that are not UTF-8 are kept).
 */
export function unescapeString(quoted: string): string {
  const delimiter = quoted[0];
  let out = '';
  let bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length === 0) return;
    out += bytesToString(Uint8Array.from(bytes));
    bytes = [];
  };
  for (let i = 1; i < quoted.length - 1; i++) {
    const ch = quoted[i]!;
    if (ch !== '\\') {
      flushBytes();
      out += ch;
      continue;
    }
    const next = quoted[++i];
    if (next === undefined || i >= quoted.length - 1) break;
    if (next === 'x') {
      if (i + 2 >= quoted.length - 1) throw new EscapeError('truncated hex char escape sequence');
      const hex = quoted.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new EscapeError(`invalid hex char escape sequence: ${hex}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    flushBytes();
    if (next === '"' || next === "'") {
      if (next !== delimiter) {
        throw new EscapeError(next === '"' ? `invalid \\" escape in '-quoted string` : `invalid \\' escape in "-quoted string`);
      }
      out += next;
      continue;
    }
    const mapped = UNESCAPED[next];
    if (mapped === undefined) throw new EscapeError(`unsupported string escape sequence: \\${next}`);
    out += mapped;
  }
  flushBytes();
  return out;
}
