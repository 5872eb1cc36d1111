/**
 * Splits JSON text into documents: JSON lines, one JSON value, or JSON values one after the
 * other (pretty-printed or not). A malformed document becomes one error with its line and
 * column, and reading goes on at the next line that starts a document.
 */
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { UNREAD } from '../event.js';

export type Format = 'auto' | 'jsonl' | 'json' | 'concat';
export const FORMATS: readonly Format[] = ['auto', 'jsonl', 'json', 'concat'];

/** One piece of the input: a parsed document, or why a piece could not be parsed. */
export type Piece =
  | { doc: unknown; line: number }
  | { error: string; line: number; column: number };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/** Finds where the object or array starting at `start` ends (exclusive), or -1. */
function documentEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Keeps 1-based line numbers of offsets in one text, moving forward only. */
class Lines {
  private offset = 0;
  private line: number;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  at(offset: number): { line: number; column: number } {
    if (offset < this.offset) throw new Error('Lines only move forward');
    for (let i = this.offset; i < offset; i++) {
      if (this.text.charCodeAt(i) === NEWLINE) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.offset = offset;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

/** Where the next document may start after a bad one: a line beginning with "{" or "[". */
function resync(text: string, from: number): number {
  for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return i + 1;
  }
  return text.length;
}

/**
 * Why and where a text JSON.parse refused is malformed. JSON.parse does not always say where,
 * so jsonc-parser (strict: no comments, no trailing commas) locates the first error.
 */
function parseFailure(err: unknown, text: string, base: number): { message: string; offset: number } {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const words = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return { message: words, offset: base + first.offset };
  }
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  return { message, offset: base };
}

/** Every JSON document in `text`, one after the other; `firstLine` numbers its first line. */
export function* splitConcatenated(text: string, firstLine = 1): Generator<Piece> {
  const lines = new Lines(text, firstLine);
  let pos = 0;
  while (pos < text.length) {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= text.length) return;
    const start = lines.at(pos);
    const c = text.charCodeAt(pos);
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      yield { error: 'not a JSON object or array', ...start };
      pos = resync(text, pos);
      continue;
    }
    const end = documentEnd(text, pos);
    if (end < 0) {
      yield { error: 'JSON document is not terminated', ...start };
      pos = resync(text, pos);
      continue;
    }
    try {
      yield { doc: JSON.parse(text.slice(pos, end)), line: start.line };
      pos = end;
    } catch (err) {
      const { message, offset } = parseFailure(err, text.slice(pos, end), pos);
      yield { error: `malformed JSON: ${message}`, ...lines.at(Math.min(offset, text.length)) };
      pos = resync(text, offset);
    }
  }
}

/** True when the text has nothing but JSON whitespace (a blank line). */
export function isBlank(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Adds the documents of one line of JSON lines to `out` (normally one; concatenated ones are
 * split). A line `unmatchable` says no rule can match is not parsed: its document is UNREAD.
 */
export function splitLine(line: string, lineNo: number, out: Piece[], unmatchable?: (line: string) => boolean): void {
  if (unmatchable?.(line)) {
    out.push({ doc: UNREAD, line: lineNo });
    return;
  }
  try {
    const doc = JSON.parse(line) as unknown;
    if (doc !== null && typeof doc === 'object') {
      out.push({ doc, line: lineNo });
      return;
    }
  } catch {
    // Located below by the general splitter, which also takes several documents on a line.
  }
  for (const piece of splitConcatenated(line, lineNo)) out.push(piece);
}

/** The whole text as one JSON document. */
export function* splitWhole(text: string): Generator<Piece> {
  if (text.trim() === '') return;
  try {
    yield { doc: JSON.parse(text), line: 1 };
  } catch (err) {
    const { message, offset } = parseFailure(err, text, 0);
    yield { error: `malformed JSON: ${message}`, ...new Lines(text, 1).at(Math.min(offset, text.length)) };
  }
}

/** The object or array a line holds by itself, or undefined. */
export function wholeDocument(line: string): unknown {
  const t = line.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
