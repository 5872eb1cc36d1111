/**
 * A thin view of YAML nodes that reads them the way yaml-cpp does for Falco: every scalar is
 * text until a key asks for a type, `~`/`null`/empty are null, aliases are followed, and the
 * first of duplicated keys wins. Positions are kept for every node.
 */
import {
  isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments,
  type Document, type Node, type YAMLMap, type YAMLSeq, type Scalar,
} from 'yaml';

export interface YamlFile {
  name: string;
  content: string;
  lines: LineCounter;
}

export interface Mark {
  line: number;
  column: number;
  offset: number;
}

/** A node with the document it belongs to (to follow aliases) and its file (for positions). */
export class YNode {
  constructor(
    readonly file: YamlFile,
    private readonly doc: Document,
    /** undefined: the key is absent; null: present with no value. */
    readonly node: Node | null | undefined,
    private readonly fallback: Mark = { line: 1, column: 1, offset: 0 },
  ) {
    if (node && isAlias(node)) this.node = (node.resolve(doc) as Node | undefined) ?? null;
  }

  get defined(): boolean {
    return this.node !== undefined;
  }

  get isNull(): boolean {
    const n = this.node;
    if (n === null) return true;
    if (!n || !isScalar(n)) return false;
    return n.type === 'PLAIN' && ['', '~', 'null', 'Null', 'NULL'].includes(String(n.value));
  }

  get isScalar(): boolean {
    return !!this.node && isScalar(this.node) && !this.isNull;
  }

  get isMap(): boolean {
    return !!this.node && isMap(this.node);
  }

  get isSeq(): boolean {
    return !!this.node && isSeq(this.node);
  }

  /** The scalar's text (yaml-cpp's Scalar()). */
  get text(): string {
    return this.isScalar ? String((this.node as Scalar).value) : '';
  }

  /** Folded and literal block scalars put their text on the lines after the indicator. */
  get block(): boolean {
    const n = this.node;
    return !!n && isScalar(n) && (n.type === 'BLOCK_FOLDED' || n.type === 'BLOCK_LITERAL');
  }

  /** Start and end offsets of the node's value in the file. */
  get range(): [number, number] | undefined {
    const r = this.node?.range;
    return r ? [r[0], r[1]] : undefined;
  }

  get mark(): Mark {
    const n = this.node;
    if (!n?.range) return this.fallback;
    return this.markAt(n.range[0]);
  }

  markAt(offset: number): Mark {
    const { line, col } = this.file.lines.linePos(offset);
    return { line, column: col, offset };
  }

  /** The value of `key` in a map (undefined when absent, as yaml-cpp's item[key]). */
  get(key: string): YNode {
    const n = this.node;
    if (n && isMap(n)) {
      for (const pair of (n as YAMLMap).items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        if (k && isScalar(k) && String(k.value) === key) {
          const v = (pair.value as Node | null) ?? null;
          return new YNode(this.file, this.doc, v, this.markAfterKey(k));
        }
      }
    }
    return new YNode(this.file, this.doc, undefined, this.mark);
  }

  /** The key nodes of a map, in order. */
  keys(): YNode[] {
    const n = this.node;
    if (!n || !isMap(n)) return [];
    return (n as YAMLMap).items
      .filter(isPair)
      .map((p) => new YNode(this.file, this.doc, (p.key as Node | null) ?? null, this.mark));
  }

  /** The items of a sequence, in order. */
  items(): YNode[] {
    const n = this.node;
    if (!n || !isSeq(n)) return [];
    return (n as YAMLSeq).items.map((i) => new YNode(this.file, this.doc, (i as Node | null) ?? null, this.mark));
  }

  /** Plain JavaScript value (for schema validation): scalars stay text, null stays null. */
  toPlain(): unknown {
    if (this.isNull) return null;
    if (this.isMap) {
      const out: Record<string, unknown> = {};
      for (const k of this.keys()) if (!(k.text in out)) out[k.text] = this.get(k.text).toPlain();
      return out;
    }
    if (this.isSeq) return this.items().map((i) => i.toPlain());
    return this.text;
  }

  private markAfterKey(key: Node): Mark {
    return key.range ? this.markAt(key.range[1]) : this.mark;
  }
}

export interface ParsedYaml {
  docs: YNode[];
  error?: { message: string; mark: Mark };
}

/** Parses every document of a file, or gives the first YAML syntax error with its place. */
export function parseYaml(name: string, content: string): ParsedYaml {
  const lines = new LineCounter();
  const file: YamlFile = { name, content, lines };
  const docs = parseAllDocuments(content, { schema: 'failsafe', uniqueKeys: false, lineCounter: lines });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const offset = err.pos[0];
      const { line, col } = lines.linePos(offset);
      return { docs: [], error: { message: err.message.split('\n')[0]!, mark: { line, column: col, offset } } };
    }
  }
  return { docs: list.map((d) => new YNode(file, d, (d.contents as Node | null) ?? null)) };
}
