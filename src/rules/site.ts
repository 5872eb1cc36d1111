import type { Context, ItemType } from './messages.js';
import type { Mark, YNode } from './yaml.js';
import type { Pos } from './condition/index.js';

/**
 * Where a condition (or output) text sits in its file, so that a position inside the text
 * (from the condition parser) can be turned into a file position, through YAML's folding.
 */
export class ConditionSite {
  private offsets?: number[];

  private constructor(
    readonly ctx: Context,
    private readonly node: YNode,
  ) {}

  static of(node: YNode, itemType: ItemType, parent: Context): ConditionSite {
    return new ConditionSite(parent.child(itemType, '', node.mark), node);
  }

  /**
   * The location of a position inside the text; `shift` is how many characters were put
   * before the written text (the `(` that exceptions add).
   */
  at(pos?: Pos, shift = 0): Context {
    return this.ctx.child('condition expression', '', this.mark(pos, shift));
  }

  /** The file position of a position inside the text. */
  mark(pos: Pos = { idx: 0, line: 1, col: 1 }, shift = 0): Mark {
    this.offsets ??= sourceOffsets(this.node);
    const offsets = this.offsets;
    const i = Math.max(0, Math.min(pos.idx - shift, offsets.length - 1));
    return offsets.length > 0 ? this.node.markAt(offsets[i]!) : this.node.mark;
  }
}

/**
 * For each character of a scalar's value, its offset in the file: the value's lines are the
 * source lines without their indentation (and without the indicator line of `|` and `>`),
 * each line break standing for one character.
 */
function sourceOffsets(node: YNode): number[] {
  const range = node.range;
  if (!range) return [];
  const [start, end] = range;
  const text = node.file.content;
  const out: number[] = [];
  let i = start;
  if (node.block) {
    i = text.indexOf('\n', start) + 1;
    if (i === 0) return [];
  } else if (text[i] === '"' || text[i] === "'") {
    i++;
  }
  let first = true;
  let indent = -1;
  while (i < end) {
    let lineEnd = text.indexOf('\n', i);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let from = i;
    if (node.block) {
      const spaces = /^ */.exec(text.slice(i, lineEnd))![0].length;
      if (indent < 0 && spaces < lineEnd - i) indent = spaces;
      from = i + Math.min(spaces, Math.max(indent, 0));
    } else if (!first) {
      from = i + /^[ \t]*/.exec(text.slice(i, lineEnd))![0].length;
    }
    for (let k = from; k < lineEnd; k++) out.push(k);
    out.push(lineEnd);
    first = false;
    i = lineEnd + 1;
  }
  return out;
}
