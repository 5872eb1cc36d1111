/**
 * Reads input bytes into JSON documents: files, directories (recursively, in name order) and
 * stdin, gzip-compressed or not, as JSON lines, one JSON document or several one after the
 * other (detected from the content unless a format is given). Bad input never throws: it
 * becomes one InputError item, located, and reading goes on.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputDocument, InputError, type InputItem } from './items.js';
import { isBlank, splitConcatenated, splitLine, splitWhole, wholeDocument, type Format, type Piece } from './split.js';

export { FORMATS, type Format } from './split.js';
export { detectSource, toEvents, toEventBatches, unrecognised } from './events.js';
export { InputError, type InputDocument, type InputItem } from './items.js';

export interface ReadOptions {
  format?: Format;
  /**
   * For JSON lines: true when a line's event cannot match any rule (Engine.lineFilter); such
   * a line is not parsed, and its document is UNREAD.
   */
  unmatchable?: (line: string) => boolean;
  /** Where `-` reads from (process.stdin by default). */
  stdin?: NodeJS.ReadableStream;
}

export const STDIN_NAME = '<stdin>';

/** Every document of every input in turn; `-` is stdin, a directory is read recursively. */
export async function* readInputs(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<InputItem> {
  for await (const batch of readInputBatches(inputs, options)) yield* batch;
}

/**
 * The same documents, a chunk of the input at a time: what hot paths read, since handing
 * over one array per chunk costs far less than one promise per document.
 */
export async function* readInputBatches(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<InputItem[]> {
  for (const input of inputs) {
    if (input === '-') {
      yield* readStreamBatches((options.stdin ?? process.stdin) as AsyncIterable<Buffer | string>, STDIN_NAME, options);
      continue;
    }
    let files: AsyncIterable<string | InputError>;
    try {
      files = (await stat(input)).isDirectory() ? filesUnder(input, new Set()) : once(input);
    } catch (err) {
      yield [new InputError(`${input}: cannot read: ${reason(err)}`, input)];
      continue;
    }
    for await (const file of files) {
      if (file instanceof InputError) yield [file];
      else yield* readStreamBatches(await fileBytes(file), file, options);
    }
  }
}

async function* once(file: string): AsyncGenerator<string> {
  yield file;
}

/**
 * Regular files under a directory, depth first, each directory's entries in name order.
 * Symbolic links are followed, each real directory once; an unreadable one is reported.
 */
async function* filesUnder(dir: string, seen: Set<string>): AsyncGenerator<string | InputError> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    yield new InputError(`${dir}: cannot read: ${reason(err)}`, dir);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    const kind = e.isSymbolicLink() ? await stat(full).catch(() => undefined) : e;
    if (kind?.isDirectory()) yield* filesUnder(full, seen);
    else if (kind?.isFile()) yield full;
  }
}

/**
 * Bytes decoded into one string at a time. V8 makes strings above a few hundred KiB several
 * times more slowly per byte than small ones (3-6 ns against 0.2 ns here), so big reads are
 * decoded a slice at a time.
 */
const DECODE_BYTES = 64 * 1024;
/** Files up to this size are read in one go (faster than a stream); bigger ones are streamed. */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024;
/** Bigger files are read this much at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

export async function fileBytes(file: string): Promise<AsyncIterable<Buffer>> {
  try {
    if ((await stat(file)).size > WHOLE_FILE_BYTES) return createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    const bytes = await readFile(file);
    return (async function* () {
      yield bytes;
    })();
  } catch {
    return createReadStream(file); // its error is reported where it is read
  }
}

/** The documents of one byte stream (a file, stdin), gunzipped when it starts like gzip. */
export async function* readStream(stream: AsyncIterable<Buffer | string>, name: string, format: Format = 'auto'): AsyncGenerator<InputItem> {
  for await (const batch of readStreamBatches(stream, name, { format })) yield* batch;
}

async function* readStreamBatches(stream: AsyncIterable<Buffer | string>, name: string, options: ReadOptions): AsyncGenerator<InputItem[]> {
  const toItem = (p: Piece): InputItem =>
    'doc' in p ? new InputDocument(p.doc, name, p.line) : new InputError(`${name}:${p.line}:${p.column}: ${p.error}`, name, p.line, p.column);
  try {
    for await (const pieces of splitText(textChunks(stream), options.format ?? 'auto', options.unmatchable)) yield pieces.map(toItem);
  } catch (err) {
    yield [new InputError(`${name}: cannot read: ${reason(err)}`, name)];
  }
}

/** Text chunks of a byte stream, decompressing gzip. */
export async function* textChunks(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const source = stream[Symbol.asyncIterator]();
  const first = await source.next();
  if (first.done) return;
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await source.next(); !r.done; r = await source.next()) yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
  }
  const bytes: AsyncIterable<Buffer> = head[0] === 0x1f && head[1] === 0x8b ? Readable.from(all()).pipe(createGunzip()) : all();
  const decoder = new StringDecoder('utf8');
  for await (const chunk of bytes) {
    for (let at = 0; at < chunk.length; at += DECODE_BYTES) yield decoder.write(chunk.subarray(at, at + DECODE_BYTES));
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * Documents of a text given in chunks. JSON lines are split as they arrive (so a live stdin
 * is read as it comes); the other formats need the whole text. In `auto`, the text is JSON
 * lines when its first line is a whole document by itself, and otherwise documents one after
 * the other (which covers one pretty-printed document and a JSON array).
 */
async function* splitText(chunks: AsyncIterable<string>, format: Format, unmatchable?: (line: string) => boolean): AsyncGenerator<Piece[]> {
  let buffer = '';
  let mode: Format = format;
  let lineNo = 1;
  for await (const chunk of chunks) {
    buffer += chunk;
    if (mode !== 'auto' && mode !== 'jsonl') continue;
    const pieces: Piece[] = [];
    let from = 0;
    for (let eol = buffer.indexOf('\n'); eol >= 0; eol = buffer.indexOf('\n', from)) {
      const line = buffer.slice(from, eol);
      if (isBlank(line)) {
        // nothing on this line
      } else if (mode === 'auto') {
        const doc = wholeDocument(line);
        if (doc === undefined) {
          mode = 'concat';
          break;
        }
        mode = 'jsonl';
        pieces.push({ doc, line: lineNo });
      } else {
        splitLine(line, lineNo, pieces, unmatchable);
      }
      lineNo++;
      from = eol + 1;
    }
    buffer = buffer.slice(from);
    if (pieces.length > 0) yield pieces;
  }
  const pieces: Piece[] = [];
  if (mode === 'jsonl') {
    if (!isBlank(buffer)) splitLine(buffer, lineNo, pieces, unmatchable);
  } else {
    pieces.push(...(mode === 'auto' ? lastDocuments(buffer, lineNo) : mode === 'json' ? splitWhole(buffer) : splitConcatenated(buffer, lineNo)));
  }
  if (pieces.length > 0) yield pieces;
}

/** In `auto`, what is left when the input ends: one whole document, or several one after the other. */
function lastDocuments(buffer: string, lineNo: number): Iterable<Piece> {
  const doc = wholeDocument(buffer);
  return doc !== undefined ? [{ doc, line: lineNo + leadingLines(buffer) }] : splitConcatenated(buffer, lineNo);
}

const leadingLines = (text: string) => text.slice(0, text.search(/\S|$/)).split('\n').length - 1;

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'ENOENT' ? 'no such file or directory' : e?.message ?? String(err);
}
