/**
 * Falco's condition grammar, read exactly as libsinsp reads it (filter/parser.cpp): the same
 * tokens, the same precedence, the same error messages and positions, the same depth limit.
 */
import type {
  Expr, Operand, Pos, RightSide, TransformerArg, ListExpr, ValueExpr,
} from './ast.js';
import { unescapeString, EscapeError } from './escaping.js';

export class ConditionSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: Pos,
  ) {
    super(`filter error at index ${pos.idx}, line ${pos.line}, column ${pos.col}: ${reason}`);
  }
}

const SPACE = '[ \\t\\n\\v\\f\\r]';
const RX = {
  notBlank: new RegExp(`not${SPACE}+`, 'y'),
  identifier: /[a-zA-Z]+[a-zA-Z0-9_]*/y,
  fieldName: /[a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+/y,
  fieldArgBare: /[^\][\]"' \t\n\v\f\r]+/y,
  hexNumber: /0[xX][0-9a-fA-F]+/y,
  number: /[+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)?/y,
  bareString: /[^()"' \t\n\v\f\r=,]+/y,
};

const UNARY_OPS = ['exists'];
const NUM_OPS = ['<=', '<', '>=', '>'];
// A trailing space marks an operator that must be followed by a blank.
const STR_OPS = ['==', '=', '!=', 'glob ', 'iglob ', 'contains ', 'icontains ', 'bcontains ', 'startswith ',
  'bstartswith ', 'endswith ', 'regex '];
const MODIFIERS = ['oneof ', 'anyof ', 'allof '];
const LIST_OPS = ['intersects', 'in', 'pmatch'];
export const TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'];
const TRANSFORMER_OPENERS = TRANSFORMERS.map((t) => `${t}(`);

export const OPERATORS = [...UNARY_OPS, ...NUM_OPS, ...STR_OPS, ...LIST_OPS].map((o) => o.trim());
/** libsinsp's default; Falco's rules loader raises it to 1000 for rule conditions. */
const DEFAULT_MAX_DEPTH = 100;

const quotedList = (items: string[]) => items.map((i) => `'${i}'`).join(', ');

/** Parses a condition into its AST, or throws a ConditionSyntaxError with Falco's message. */
export function parseCondition(input: string, options: { maxDepth?: number } = {}): Expr {
  return new Parser(input, options.maxDepth ?? DEFAULT_MAX_DEPTH).parse();
}

class Parser {
  private idx = 0;
  private line = 1;
  private col = 1;
  private depth = 0;
  private lastToken = '';

  constructor(
    private readonly input: string,
    private readonly maxDepth: number,
  ) {}

  parse(): Expr {
    if (this.input.length === 0) throw this.error('filter input string is empty');
    const result = this.parseOr();
    if (this.idx !== this.input.length) {
      throw this.error(`unexpected token after '${this.lastToken}', expecting 'or', 'and'`);
    }
    return result;
  }

  private error(reason: string): ConditionSyntaxError {
    return new ConditionSyntaxError(reason, this.pos());
  }

  private pos(): Pos {
    return { idx: this.idx, line: this.line, col: this.col };
  }

  private restore(p: Pos, token: string): void {
    this.idx = p.idx;
    this.line = p.line;
    this.col = p.col;
    this.lastToken = token;
  }

  /** Runs `fn` one level deeper, as libsinsp's depth_guard does. */
  private guarded<T>(fn: () => T): T {
    if (++this.depth >= this.maxDepth) {
      this.depth--;
      throw this.error(`exceeded max depth limit of ${this.maxDepth}`);
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private advance(text: string): void {
    for (const ch of text) {
      this.col++;
      if (ch === '\r' || ch === '\n') {
        this.col = 1;
        this.line++;
      }
      this.idx += ch.length;
    }
  }

  // ---- lexing

  private lexBlank(): boolean {
    let found = false;
    for (;;) {
      const c = this.input[this.idx];
      if (c !== ' ' && c !== '\t' && c !== '\b' && c !== '\r' && c !== '\n') return found;
      found = true;
      this.advance(c);
    }
  }

  private lexRegex(rx: RegExp): boolean {
    rx.lastIndex = this.idx;
    const m = rx.exec(this.input);
    if (!m) return false;
    this.lastToken = m[0];
    this.advance(m[0]);
    return true;
  }

  private lexString(s: string): boolean {
    if (!this.input.startsWith(s, this.idx)) return false;
    this.lastToken = s;
    this.advance(s);
    return true;
  }

  private lexStringList(list: string[]): boolean {
    return list.some((s) => this.lexString(s));
  }

  private lexOperatorList(list: string[]): boolean {
    for (const op of list) {
      if (!op.endsWith(' ')) {
        if (this.lexString(op)) return true;
        continue;
      }
      const saved = this.pos();
      const token = this.lastToken;
      if (this.lexString(op.trimEnd())) {
        if (this.lexBlank()) return true;
        this.restore(saved, token);
      }
    }
    return false;
  }

  private lexQuoted(): boolean {
    const delimiter = this.input[this.idx];
    if (delimiter !== '"' && delimiter !== "'") return false;
    let prev = '\\';
    for (let i = this.idx; i < this.input.length; i++) {
      const c = this.input[i]!;
      if (c === '\0') break;
      if (c === delimiter && prev !== '\\' && i > this.idx) {
        const raw = this.input.slice(this.idx, i + 1);
        try {
          this.lastToken = unescapeString(raw);
        } catch (err) {
          if (err instanceof EscapeError) {
            this.advance(raw);
            throw this.error(err.message);
          }
          throw err;
        }
        this.advance(raw);
        return true;
      }
      prev = c;
    }
    return false;
  }

  private lexTransformerOpener(): boolean {
    return this.lexStringList(TRANSFORMER_OPENERS);
  }

  /** The name of the transformer just lexed, without its '('. */
  private transformerName(): string {
    return this.lastToken.slice(0, -1);
  }

  // ---- grammar

  private parseOr(): Expr {
    return this.guarded(() => {
      const pos = this.pos();
      this.lexBlank();
      const children = [this.parseAnd()];
      this.lexBlank();
      while (this.lexString('or')) {
        if (!this.lexBlank()) {
          if (!this.lexString('(')) throw this.error("expected blank or '(' after 'or'");
          children.push(this.parseEmbeddedRemainder());
        } else {
          children.push(this.parseAnd());
        }
        this.lexBlank();
      }
      return children.length > 1 ? { kind: 'or', children, pos } : children[0]!;
    });
  }

  private parseAnd(): Expr {
    return this.guarded(() => {
      const pos = this.pos();
      this.lexBlank();
      const children = [this.parseNot()];
      this.lexBlank();
      while (this.lexString('and')) {
        if (!this.lexBlank()) {
          if (!this.lexString('(')) throw this.error("expected blank or '(' after 'and'");
          children.push(this.parseEmbeddedRemainder());
        } else {
          children.push(this.parseNot());
        }
        this.lexBlank();
      }
      return children.length > 1 ? { kind: 'and', children, pos } : children[0]!;
    });
  }

  private parseNot(): Expr {
    return this.guarded(() => {
      const pos = this.pos();
      let negate = false;
      this.lexBlank();
      while (this.lexRegex(RX.notBlank)) negate = !negate;
      let child: Expr;
      if (this.lexString('not(')) {
        negate = !negate;
        child = this.parseEmbeddedRemainder();
      } else {
        child = this.parseCheck();
      }
      return negate ? { kind: 'not', child, pos } : child;
    });
  }

  private parseEmbeddedRemainder(): Expr {
    return this.guarded(() => {
      this.lexBlank();
      const child = this.parseOr();
      this.lexBlank();
      if (!this.lexString(')')) throw this.error("expected a ')' token");
      return child;
    });
  }

  private parseCheck(): Expr {
    return this.guarded(() => {
      const pos = this.pos();
      this.lexBlank();
      if (this.lexString('(')) return this.parseEmbeddedRemainder();
      if (this.lexRegex(RX.fieldName)) {
        const left = this.parseFieldRemainder(this.lastToken, pos);
        return this.parseCondition(left, pos);
      }
      if (this.lexTransformerOpener()) {
        this.lexBlank();
        const left = this.parseTransformerRemainder(this.transformerName(), pos);
        return this.parseCondition(left, pos);
      }
      if (this.lexRegex(RX.identifier)) return { kind: 'identifier', name: this.lastToken, pos };
      throw this.error("expected a '(' token, a field check, or an identifier");
    });
  }

  private parseFieldRemainder(name: string, pos: Pos): Operand {
    return this.guarded(() => {
      const arg = this.parseOptionalFieldArg();
      return arg === undefined ? { kind: 'field', name, pos } : { kind: 'field', name, arg, pos };
    });
  }

  private parseOptionalFieldArg(): string | undefined {
    if (!this.lexString('[')) return undefined;
    if (!this.lexQuoted() && !this.lexRegex(RX.fieldArgBare)) {
      throw this.error('expected a valid field argument: a quoted string or a bare string');
    }
    const arg = this.lastToken;
    if (!this.lexString(']')) throw this.error("expected a ']' token");
    return arg;
  }

  private parseTransformerRemainder(name: string, pos: Pos): Operand {
    return this.guarded(() => {
      this.lexBlank();
      const args: TransformerArg[] = [];
      do {
        args.push(this.parseTransformerArg(this.pos()));
        this.lexBlank();
      } while (this.lexString(','));
      this.lexBlank();
      if (!this.lexString(')')) throw this.error("expected a ')' token closing the transformer");
      return this.withArg({ kind: 'transformer', name, args, pos });
    });
  }

  private withArg<T extends Operand>(node: T): T {
    const arg = this.parseOptionalFieldArg();
    return arg === undefined ? node : { ...node, arg };
  }

  private parseTransformerArg(pos: Pos): TransformerArg {
    return this.guarded((): TransformerArg => {
      this.lexBlank();
      if (this.lexRegex(RX.hexNumber) || this.lexRegex(RX.number)) return { kind: 'value', value: this.lastToken, pos };
      if (this.lexQuoted()) return { kind: 'value', value: this.lastToken, pos };
      if (this.lexString('(')) return this.parseTransformerList(pos);
      if (this.lexTransformerOpener()) return this.parseTransformerRemainder(this.transformerName(), pos);
      if (this.lexRegex(RX.fieldName)) return this.parseFieldRemainder(this.lastToken, pos);
      throw this.error('expected field transformer argument: field, transformer, quoted string, number, or transformer list');
    });
  }

  private parseTransformerList(pos: Pos): TransformerArg {
    const children: TransformerArg[] = [];
    this.lexBlank();
    if (this.lexString(')')) return { kind: 'tlist', children, pos };
    children.push(this.parseTransformerListArg(pos));
    this.lexBlank();
    while (this.lexString(',')) {
      this.lexBlank();
      children.push(this.parseTransformerListArg(pos));
      this.lexBlank();
    }
    if (!this.lexString(')')) throw this.error("expected ')'");
    return { kind: 'tlist', children, pos };
  }

  private parseTransformerListArg(pos: Pos): TransformerArg {
    if (this.lexRegex(RX.fieldName)) return this.parseFieldRemainder(this.lastToken, pos);
    if (this.lexTransformerOpener()) {
      this.lexBlank();
      return this.parseTransformerRemainder(this.transformerName(), pos);
    }
    if (this.lexQuoted()) return { kind: 'value', value: this.lastToken, pos };
    if (this.lexRegex(RX.hexNumber) || this.lexRegex(RX.number)) return { kind: 'value', value: this.lastToken, pos };
    throw this.error('expected transformer list argument: field, transformer, quoted string, or number');
  }

  private parseCondition(left: Operand, pos: Pos): Expr {
    return this.guarded((): Expr => {
      this.lexBlank();
      if (this.lexOperatorList(UNARY_OPS)) return { kind: 'unary', left, op: 'exists', pos };
      this.lexBlank();
      let op: string;
      let right: RightSide;
      if (this.lexOperatorList(NUM_OPS)) {
        op = this.lastToken;
        right = this.parseNumValueOrTransformer();
      } else if (this.lexOperatorList(STR_OPS)) {
        op = this.lastToken;
        const hadBlank = /^[a-z]/.test(op) || this.lexBlank();
        const saved = this.pos();
        const token = this.lastToken;
        if (hadBlank && this.lexOperatorList(MODIFIERS) && this.listValueFollows() && !this.boolKeywordFollows()) {
          op = `${op.trim()} ${this.lastToken}`;
          right = this.parseListValue();
        } else {
          this.restore(saved, token);
          right = this.parseStrValueOrTransformer(false);
        }
      } else if (this.lexOperatorList(LIST_OPS)) {
        op = this.lastToken;
        right = this.parseListValueOrTransformer();
      } else {
        throw this.error(`expected a valid check operator: one of ${quotedList(OPERATORS)}`);
      }
      return { kind: 'binary', left, op: op.trim(), right, pos };
    });
  }

  private listValueFollows(): boolean {
    if (this.input[this.idx] === '(') return true;
    const saved = this.pos();
    const token = this.lastToken;
    const found = this.lexRegex(RX.identifier);
    this.restore(saved, token);
    return found;
  }

  private boolKeywordFollows(): boolean {
    const rest = this.input.slice(this.idx, this.idx + 4);
    return ['and', 'or', 'not'].some((kw) => rest.startsWith(kw) && !/^[a-zA-Z0-9]/.test(rest.slice(kw.length)));
  }

  private parseNumValueOrTransformer(): RightSide {
    return this.guarded((): RightSide => {
      this.lexBlank();
      const pos = this.pos();
      const transformed = this.tryParseTransformerOrVal();
      if (transformed) return transformed;
      if (this.lexRegex(RX.hexNumber) || this.lexRegex(RX.number)) return { kind: 'value', value: this.lastToken, pos };
      throw this.error(
        `expected a number value or a field with a valid transformer: ${quotedList(['val', ...TRANSFORMERS])}`,
      );
    });
  }

  private parseStrValueOrTransformer(noTransformer: boolean): RightSide {
    return this.guarded((): RightSide => {
      this.lexBlank();
      const pos = this.pos();
      if (!noTransformer) {
        const transformed = this.tryParseTransformerOrVal();
        if (transformed) return transformed;
      }
      if (this.lexQuoted() || this.lexRegex(RX.bareString)) return { kind: 'value', value: this.lastToken, pos };
      if (noTransformer) throw this.error('expected a string value');
      throw this.error(
        `expected a string value or a field with a valid transformer: ${quotedList(['val', ...TRANSFORMERS])}`,
      );
    });
  }

  private tryParseList(): ListExpr | undefined {
    const pos = this.pos();
    if (!this.lexString('(')) return undefined;
    const values: string[] = [];
    this.lexBlank();
    let first: RightSide | undefined;
    try {
      first = this.parseStrValueOrTransformer(true);
    } catch (err) {
      if (!(err instanceof ConditionSyntaxError)) throw err;
    }
    if (first) {
      values.push((first as ValueExpr).value);
      this.lexBlank();
      while (this.lexString(',')) {
        values.push((this.parseStrValueOrTransformer(true) as ValueExpr).value);
        this.lexBlank();
      }
    }
    if (!this.lexString(')')) throw this.error("expected a ')' token");
    return { kind: 'list', values, pos };
  }

  private parseListValue(): RightSide {
    return this.guarded((): RightSide => {
      this.lexBlank();
      const pos = this.pos();
      const list = this.tryParseList();
      if (list) return list;
      if (this.lexRegex(RX.identifier)) return { kind: 'value', value: this.lastToken, pos };
      throw this.error('expected a list or an identifier');
    });
  }

  private parseListValueOrTransformer(): RightSide {
    return this.guarded((): RightSide => {
      this.lexBlank();
      const pos = this.pos();
      const list = this.tryParseList();
      if (list) return list;
      const transformed = this.tryParseTransformerOrVal();
      if (transformed) return transformed;
      if (this.lexRegex(RX.identifier)) return { kind: 'value', value: this.lastToken, pos };
      throw this.error(
        `expected a list, an identifier, or a field with a valid transformer: ${quotedList(['val', ...TRANSFORMERS])}`,
      );
    });
  }

  private tryParseTransformerOrVal(): Operand | undefined {
    return this.guarded((): Operand | undefined => {
      this.lexBlank();
      const pos = this.pos();
      if (this.lexString('val(')) {
        this.lexBlank();
        const fieldPos = this.pos();
        if (!this.lexRegex(RX.fieldName)) throw this.error("expected a field within 'val' transformer");
        const field = this.parseFieldRemainder(this.lastToken, fieldPos);
        this.lexBlank();
        if (!this.lexString(')')) throw this.error("expected a ')' token closing the transformer");
        return this.withArg({ kind: 'transformer', name: 'val', args: [field], pos });
      }
      if (this.lexTransformerOpener()) {
        this.lexBlank();
        return this.parseTransformerRemainder(this.transformerName(), pos);
      }
      return undefined;
    });
  }
}
