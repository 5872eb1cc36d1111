/**
 * Rule outputs: `%field` and `%field[arg]` tokens checked against a source's fields when the
 * rule is loaded, and rendered per event as libsinsp's event formatter does: a missing value
 * prints `<NA>`, a list prints `(a,b)`, `%20field` pads or cuts the value to 20 characters.
 */
import { fieldReader, type FieldCatalog, type FieldDef, type FieldValue, type Scalar } from './fields.js';
import { bytesToString } from './condition/index.js';

export class OutputError extends Error {}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'field'; name: string; def: FieldDef; arg: string | undefined; width: number };

export interface CompiledOutput {
  /** The format as compiled (after extra formats and `%container.info` removal). */
  format: string;
  /** The names of the fields it prints, as written (`proc.name`, `json.value[/a]`). */
  fields: string[];
  /** The output line for one event. */
  render(event: unknown): string;
  /** Each printed field's value for one event (null when missing, lists as `(a,b)`): Falco's `output_fields`. */
  values(event: unknown): Record<string, string | number | boolean | null>;
  /** Both at once, reading each field once: what an alert needs. */
  apply(event: unknown): { text: string; values: Record<string, string | number | boolean | null> };
}

const FIELD_NAME = /^[a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+/;
const BARE_ARG = /^[^\][\]"' \t\n\v\f\r]+/;
const TRANSFORMER_CALL = /^(tolower|toupper|b64|basename|len|join|concat|getopt|val)\(/;

/** The field written at the start of `text`, with its argument, when the catalogue knows it. */
function fieldAt(text: string, catalog: FieldCatalog): { length: number; name: string; def: FieldDef; arg?: string } | undefined {
  const m = FIELD_NAME.exec(text);
  if (!m) return undefined;
  let length = m[0].length;
  let arg: string | undefined;
  if (text[length] === '[') {
    const rest = text.slice(length + 1);
    const quoted = /^"((?:[^"\\]|\\.)*)"\]|^'((?:[^'\\]|\\.)*)'\]/.exec(rest);
    const bare = BARE_ARG.exec(rest);
    if (quoted) {
      arg = quoted[1] ?? quoted[2]!;
      length += 1 + quoted[0].length;
    } else if (bare && rest[bare[0].length] === ']') {
      arg = bare[0];
      length += bare[0].length + 2;
    } else {
      return undefined;
    }
  }
  const resolved = catalog.resolve(m[0], arg);
  if (!resolved) return undefined;
  return { length, name: text.slice(0, length), def: resolved.def, arg: resolved.arg };
}

/**
 * Compiles an output format. Like libsinsp, a token is the longest text after `%` that reads
 * as a known field, so `%proc.name.x` prints proc.name followed by `.x`.
 */
export function compileOutput(format: string, catalog: FieldCatalog): CompiledOutput {
  if (format === '') throw new OutputError('empty formatting token');
  const body = format.startsWith('*') ? format.slice(1) : format;
  const tokens: Token[] = [];
  let textStart = 0;
  for (let j = 0; j < body.length; j++) {
    if (body[j] !== '%') continue;
    if (textStart !== j) tokens.push({ kind: 'text', text: body.slice(textStart, j) });
    if (j === body.length - 1) throw new OutputError('invalid formatting syntax: formatting cannot end with a %');
    let width = 0;
    const digits = /^[0-9]+/.exec(body.slice(j + 1));
    if (digits) {
      width = Number(digits[0]);
      j += digits[0].length;
      if (j === body.length - 1) throw new OutputError('invalid formatting syntax: formatting cannot end with a number');
    }
    const rest = body.slice(j + 1);
    if (TRANSFORMER_CALL.test(rest)) {
      throw new OutputError(`field transformers in outputs are not supported: ${rest.slice(0, rest.indexOf('(') + 1)}`);
    }
    let found: ReturnType<typeof fieldAt>;
    for (let size = rest.length; size > 0 && !found; size--) found = fieldAt(rest.slice(0, size), catalog);
    if (!found) {
      const written = FIELD_NAME.exec(rest)?.[0] ?? rest.split(/\s/)[0];
      throw new OutputError(`invalid formatting token ${written}`);
    }
    tokens.push({ kind: 'field', name: found.name, def: found.def, arg: found.arg, width });
    j += found.length;
    textStart = j + 1;
  }
  if (textStart < body.length) tokens.push({ kind: 'text', text: body.slice(textStart) });
  return outputOf(format, tokens);
}

function outputOf(format: string, tokens: Token[]): CompiledOutput {
  const fieldTokens = tokens.filter((t): t is Extract<Token, { kind: 'field' }> => t.kind === 'field');
  // Each field's reader, bound to its argument once.
  const readers = tokens.map((t) => (t.kind === 'field' ? fieldReader(t.def, t.arg) : undefined));
  const formatEvent = (event: unknown) => {
    let text = '';
    const values: ReturnType<CompiledOutput['values']> = {};
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind === 'text') {
        text += t.text;
        continue;
      }
      const read = readers[i]?.(event);
      const v = read === null || (Array.isArray(read) && read.length === 0) ? undefined : read;
      const shown = display(v);
      text += t.width > 0 ? shown.slice(0, t.width).padEnd(t.width, ' ') : shown;
      values[t.name] = v === undefined ? null : Array.isArray(v) ? shown : plain(v);
    }
    return { text, values };
  };
  return {
    format,
    fields: [...new Set(fieldTokens.map((t) => t.name))],
    render: (event) => formatEvent(event).text,
    values: (event) => formatEvent(event).values,
    apply: formatEvent,
  };
}

function plain(v: Scalar): string | number | boolean {
  return Buffer.isBuffer(v) ? bytesToString(v) : v;
}

/** How a value prints in an output line. */
export function display(v: FieldValue): string {
  if (v === undefined) return '<NA>';
  if (Array.isArray(v)) return `(${v.map((x) => String(plain(x))).join(',')})`;
  return String(plain(v));
}
