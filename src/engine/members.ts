/**
 * Reading a few members of a raw JSON line without parsing it: just enough to evaluate rules
 * whose fields read only those members (FieldDef.members), so that a line none of them can
 * match need not be parsed. JSON.parse builds every object and string of a line. scan.wat, in
 * WebAssembly, steps over a line's strings 16 bytes at a time and reports where the needed
 * members' values are; only those values are then made. On a Kubernetes audit line that costs
 * about half of JSON.parse (bench/README.md).
 *
 * What it reports holds for a line JSON.parse accepts: the line is one object, and each needed
 * key is at its place (the top level, or inside a needed object) at most once. A key written with
 * an escape could spell a needed one, so the scanner gives up on it. It also gives up on what it
 * cannot tell, such as a line that is not plain ASCII, whose byte and character offsets differ.
 * Such a line is left to JSON.parse and parsed as any other.
 */
import { readFileSync } from 'node:fs';
import { escapedCode } from './prefilter.js';

/** Object keys from the root to a member: `['user', 'username']`. */
export type MemberPath = readonly string[];

/** The needed keys of one object: a key's own needed keys, or null when its value is needed. */
type Needed = Map<string, Needed | null>;

// Node's WebAssembly, as much of it as is used here (this project's TypeScript libraries do not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let scanModule: object | undefined;

/** What the readers of a line's values read: the scanner's memory, and the line. */
interface Reading {
  words: Uint32Array;
  bytes: Buffer;
  line: string;
  /** Where the line is in the scanner's memory. */
  lineAt: number;
}

/** Reads the object of one table's keys from the results (at word `results`) of the pass that read them. */
type TableReader = (r: Reading, results: number) => Record<string, unknown>;

/** One call of the scanner: the table it starts from, and where its results go. */
interface Pass {
  table: number;
  out: number;
  slots: number;
  read: TableReader;
}

/** Thrown when a value cannot be read after all (rare: the line is then parsed, and reported). */
const UNREADABLE = Symbol('unreadable');

/**
 * Reads the members at `paths` from raw JSON lines (see the top of this file). A path that
 * another one continues (`user` with `user.username`) would need an object's whole value:
 * such a set of paths cannot be read this way (`readable` is false).
 */
export class MemberReader {
  readonly readable: boolean;
  private readonly root: Pass | undefined;
  private readonly members: (p: number, end: number, table: number, out: number, slots: number) => number;
  private readonly memory: WasmMemory;
  private readonly reading: Reading;
  /** The first free byte while tables are placed: after the byte classes scan.wat keeps at 0. */
  private free = 256;

  constructor(paths: readonly MemberPath[]) {
    const needed: Needed = new Map();
    let readable = paths.length > 0;
    for (const path of paths) {
      // Keys are matched as the line writes them: printable ASCII, without quotes or backslashes.
      // And the object made of a line's members is a plain one: keys it inherits could not be set on it.
      if (path.length === 0 || path.some((key) => !/^[\x20-\x7e]*$/.test(key) || /["\\]/.test(key) || key in Object.prototype)) readable = false;
      let level = needed;
      path.forEach((key, i) => {
        const leaf = i === path.length - 1;
        const seen = level.get(key);
        if (seen === undefined) level.set(key, leaf ? null : new Map());
        else if (leaf !== (seen === null)) readable = false;
        const inner = level.get(key);
        if (inner) level = inner;
      });
    }
    scanModule ??= new WebAssembly.Module(readFileSync(new URL('./scan.wasm', import.meta.url)));
    const instance = new WebAssembly.Instance(scanModule);
    this.memory = instance.exports.memory as WasmMemory;
    this.members = instance.exports.members as MemberReader['members'];
    this.reading = { words: new Uint32Array(this.memory.buffer), bytes: Buffer.from(this.memory.buffer), line: '', lineAt: 0 };
    this.root = readable ? this.pass(needed) : undefined;
    this.reading.lineAt = (this.free + 15) & ~15;
    this.readable = readable && this.reading.lineAt < this.reading.bytes.length / 2;
  }

  private allocate(bytes: number): number {
    const at = this.free;
    this.free = (this.free + bytes + 3) & ~3;
    return at;
  }

  /** A pass from an object whose needed keys are `needed`, with its tables and results placed. */
  private pass(needed: Needed): Pass {
    const pass: Pass = { table: 0, out: 0, slots: 0, read: () => ({}) };
    const { address, read } = this.table(needed, pass, true);
    pass.table = address;
    pass.read = read;
    pass.out = this.allocate(12 * pass.slots);
    return pass;
  }

  /**
   * The table of one object's needed keys, their slots taken in `pass` (at its top, or inside
   * it), and its reader: a function made for it, which reads each key's value from its slot
   * and makes an object literal of them (`{"verb": v0, "user": v1}`), so that every object it
   * makes has one shape, which V8 builds fast. Keys are written as JSON string literals, which
   * JavaScript reads as the same strings.
   */
  private table(needed: Needed, pass: Pass, top: boolean): { address: number; read: TableReader } {
    const keys = [...needed.keys()];
    const address = this.allocate(4 + 16 * keys.length);
    const { words, bytes } = this.reading;
    words[address / 4] = keys.length;
    const nested: Array<TableReader | ((r: Reading, from: number, to: number) => Record<string, unknown>)> = [];
    const values = keys.map((key, i) => {
      const sub = needed.get(key);
      const slot = pass.slots++;
      let inner = 0;
      let object = '';
      if (sub && top) {
        const table = this.table(sub, pass, false);
        inner = table.address;
        object = `nested[${nested.push(table.read) - 1}](r, results)`;
      } else if (sub) {
        const deeper = this.pass(sub);
        nested.push((r, from, to) => this.readPass(deeper, from, to));
        object = `nested[${nested.length - 1}](r, from, r.words[at + 1])`;
      }
      const text = this.allocate(key.length);
      bytes.write(key, text, 'latin1');
      words.set([text, signature(key), inner, slot], address / 4 + 1 + 4 * i);
      const value = 'decode(r, from, r.words[at + 1], r.words[at + 2])';
      return `at = results + ${3 * slot}; from = r.words[at];
        const v${i} = from === 0 ? undefined : ${object ? `r.bytes[from] === 0x7b ? ${object} : ${value}` : value};`;
    });
    const literal = keys.map((key, i) => `${JSON.stringify(key)}: v${i}`).join(', ');
    const body = `return (r, results) => { let at, from; ${values.join('\n')} return {${literal}}; };`;
    return { address, read: new Function('nested', 'decode', body)(nested, decode) as TableReader };
  }

  /**
   * The needed members of a line, as an object holding just them (those the line lacks are
   * undefined in it), or undefined when that cannot be proven (the line must be parsed).
   */
  read(line: string): Record<string, unknown> | undefined {
    if (!this.readable) return undefined;
    const r = this.reading;
    // Sixteen bytes to spare: the scanner reads strings sixteen bytes at a time.
    if (r.lineAt + line.length * 3 + 16 > r.bytes.length) this.grow(r.lineAt + line.length * 3 + 16);
    // Buffer's own encoder, without write()'s checks of its arguments: it is called for every line.
    const written = (r.bytes as unknown as { utf8Write(text: string, at: number): number }).utf8Write(line, r.lineAt);
    // More bytes than characters: not plain ASCII, so offsets in bytes are not offsets in the line.
    if (written !== line.length) return undefined;
    r.line = line;
    try {
      return this.readPass(this.root!, r.lineAt, r.lineAt + written);
    } catch (err) {
      if (err === UNREADABLE) return undefined;
      throw err;
    }
  }

  /** The object at [from, to) of the line, read by one pass (and the passes inside it). */
  private readPass(pass: Pass, from: number, to: number): Record<string, unknown> {
    if (this.members(from, to, pass.table, pass.out, pass.slots) !== 0) throw UNREADABLE;
    return pass.read(this.reading, pass.out / 4);
  }

  private grow(bytes: number): void {
    const pages = Math.ceil((bytes - this.memory.buffer.byteLength) / 65536);
    if (pages > 0) this.memory.grow(pages);
    this.reading.bytes = Buffer.from(this.memory.buffer);
    this.reading.words = new Uint32Array(this.memory.buffer);
  }
}

/** A key's length and its first and last bytes, in one number: scan.wat compares keys by it first. */
function signature(key: string): number {
  return key.length === 0 ? 0 : (key.length | (key.charCodeAt(0) << 16) | (key.charCodeAt(key.length - 1) << 24)) >>> 0;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The value at [from, to) of the line in the scanner's memory: a string without escapes is its
 * own text (most are, and slicing is cheaper than parsing), a JSON number is read by Number (which
 * reads one as JSON.parse does), anything else by JSON.parse.
 */
function decode(r: Reading, from: number, to: number, escaped: number): unknown {
  const start = from - r.lineAt;
  const end = to - r.lineAt;
  const first = r.line.charCodeAt(start);
  if (first === 0x22) return escaped === 0 ? r.line.slice(start + 1, end - 1) : unescape(r.line, start + 1, end - 1);
  const text = r.line.slice(start, end);
  if (((first >= 0x30 && first <= 0x39) || first === 0x2d) && JSON_NUMBER.test(text)) return Number(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw UNREADABLE; // JSON.parse refuses it: the line is parsed, and reported
  }
}

/**
 * The text of a JSON string's content [from, to) with its escapes: what JSON.parse gives, in a
 * fraction of its time for the few escapes a line has (Go writes `&` in URIs as `\u0026`).
 */
function unescape(line: string, from: number, to: number): string {
  let out = '';
  let at = from;
  for (let i = line.indexOf('\\', from); i >= 0 && i < to; i = line.indexOf('\\', at)) {
    const code = escapedCode(line, i, to);
    if (code < 0) throw UNREADABLE;
    out += line.slice(at, i) + String.fromCharCode(code);
    at = i + (line.charCodeAt(i + 1) === 0x75 ? 6 : 2);
  }
  return out + line.slice(at, to);
}
