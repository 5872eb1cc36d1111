/**
 * Compiles a condition AST into a closure over an event, type-checking it against a field
 * catalogue as libsinsp's filter compiler does (filter.cpp, filter_compare.cpp): unknown
 * fields, operators that do not fit a field's type and malformed values are errors; the
 * same warnings are given. Constants are parsed once; each field is read once per event.
 */
import { RE2JS } from 're2js';
import type { BinaryCheck, Expr, Operand, Pos, TransformerArg, UnaryCheck } from './ast.js';
import { FieldCatalog, fieldReader, operatorMismatch, typeFamily, type FieldDef, type FieldValue, type Scalar } from '../fields.js';
import { byteLength, forRegex, stringToBytes, bytesToString } from './bytes.js';
import { inSubnet, parseIp, parseSubnet, sameIp, type Ip, type Subnet } from '../../util/ip.js';
import { TRANSFORMERS } from './parser.js';
import { globToRegExp, pathPrefixMatch } from './match.js';
import { filterOf, planCondition, type Check, type FieldRead, type Plan } from './codegen.js';

export class ConditionCompileError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: Pos,
  ) {
    super(reason);
  }
}

export interface CompileWarning {
  message: string;
  pos: Pos;
}

/** Per-event state shared by every filter of a ruleset: the event and its memoised fields. */
export class EvalContext {
  event: unknown = undefined;
  private generation = 0;
  private stamps: Uint32Array;
  private values: FieldValue[];

  constructor(private readonly slots: SlotTable) {
    this.stamps = new Uint32Array(Math.max(slots.size, 16));
    this.values = new Array(this.stamps.length);
  }

  reset(event: unknown): void {
    this.event = event;
    if (++this.generation === 0xffffffff) {
      this.generation = 1;
      this.stamps.fill(0);
    }
    if (this.stamps.length < this.slots.size) {
      const grown = new Uint32Array(this.slots.size * 2);
      grown.set(this.stamps);
      this.stamps = grown;
      this.values.length = grown.length;
    }
  }

  /** The value of a field, read at most once per event. */
  field(slot: number, read: (event: unknown) => FieldValue): FieldValue {
    if (this.stamps[slot] === this.generation) return this.values[slot];
    this.stamps[slot] = this.generation;
    return (this.values[slot] = read(this.event));
  }
}

/** Numbers the distinct field reads of a ruleset, so each is memoised in one slot. */
export class SlotTable {
  private readonly slots = new Map<string, number>();
  get size(): number {
    return this.slots.size;
  }
  slotFor(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) this.slots.set(key, (slot = this.slots.size));
    return slot;
  }
}

export type Filter = (ctx: EvalContext) => boolean;
export type Extractor = (ctx: EvalContext) => FieldValue;

/** An operand once compiled: how to read it and what it yields. */
interface Typed {
  get: Extractor;
  /** For a field read as it is: its slot in the per-event memo, and how it is read on a miss. */
  memo?: FieldRead;
  type: string;
  isList: boolean;
  /** The field underneath, when the operand is a plain field or a transformed one. */
  field?: FieldDef;
  /** The operand is a field read as it is, with no transformer. */
  plain: boolean;
  /** Text shown in messages: `fd.name`, `proc.aname[2]`. */
  text: string;
}

export interface CompiledCondition {
  filter: Filter;
  /** Its structure over its compiled comparisons, to join it with other conditions (matcherOf). */
  plan: Plan;
  warnings: CompileWarning[];
}

export interface CompileOptions {
  slots?: SlotTable;
  /**
   * Comparisons already compiled against the same catalogue and slots, by canonical text: the
   * rules of a ruleset make many of the same ones (their macros). Kept only when they warned of nothing.
   */
  checks?: Map<string, Check>;
  /**
   * Rules of Falco 0.31's in-tree k8s audit engine, where every field was text: a list field
   * compared as text (`ka.req.role.rules.verbs contains create`), which is an error today,
   * compares the JSON text of its values, with a warning.
   */
  listsAsText?: boolean;
}

const STRING_TYPES = new Set(['PT_CHARBUF', 'PT_FSPATH', 'PT_FSRELPATH']);
const NUMERIC_LIMITS: Record<string, [number, number]> = {
  PT_INT8: [-128, 127],
  PT_INT16: [-32768, 32767],
  PT_INT32: [-2147483648, 2147483647],
  PT_DOUBLE: [-2147483648, 2147483647],
  PT_UINT8: [0, 255],
  PT_UINT16: [0, 65535],
  PT_UINT32: [0, 4294967295],
  PT_PORT: [0, 65535],
};
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, pop3: 110, ntp: 123, imap: 143, snmp: 161,
  ldap: 389, https: 443, smtps: 465, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, mysql: 3306,
  postgresql: 5432, 'ms-wbt-server': 3389, redis: 6379,
};

export function compileCondition(ast: Expr, catalog: FieldCatalog, options: CompileOptions = {}): CompiledCondition {
  const compiler = new Compiler(catalog, options.slots ?? new SlotTable(), options.listsAsText ?? false);
  const known = options.checks;
  const plan = planCondition(ast, (node, key) => {
    const cached = known?.get(key);
    if (cached) return cached;
    const warned = compiler.warnings.length;
    const check = compiler.check(node);
    if (known && compiler.warnings.length === warned) known.set(key, check);
    return check;
  });
  return { filter: filterOf(plan), plan, warnings: compiler.warnings };
}

class Compiler {
  readonly warnings: CompileWarning[] = [];

  constructor(
    private readonly catalog: FieldCatalog,
    private readonly slots: SlotTable,
    private readonly listsAsText: boolean,
  ) {}

  /** One comparison of a condition, compiled (see codegen.ts for the and/or/not around it). */
  check(node: Expr): Check {
    switch (node.kind) {
      case 'identifier':
        throw new ConditionCompileError(`filter error: unexpected identifier '${node.name}'`, node.pos);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      default:
        throw new Error(`not a comparison: ${node.kind}`);
    }
  }

  private fail(reason: string, pos: Pos): never {
    throw new ConditionCompileError(reason, pos);
  }

  // ---- operands

  private operand(node: Operand | TransformerArg): Typed {
    switch (node.kind) {
      case 'field':
        return this.field(node.name, node.arg, node.pos);
      case 'value':
        return constant(node.value);
      case 'tlist':
        return this.transformerList(node.children);
      case 'transformer':
        return this.transformer(node.name, node.args, node.arg, node.pos);
    }
  }

  private field(name: string, arg: string | undefined, pos: Pos): Typed {
    const text = arg === undefined ? name : `${name}[${arg}]`;
    const resolved = this.catalog.resolve(name, arg);
    if (!resolved) this.fail(`filter_check called with nonexistent field ${text}`, pos);
    const { def } = resolved;
    const fieldArg = resolved.arg;
    const bound = fieldReader(def, fieldArg);
    if (!bound) return { get: () => undefined, type: def.type, isList: def.isList, field: def, plain: true, text };
    const slot = this.slots.slotFor(`${this.catalog.source}\0${def.name}\0${fieldArg ?? ''}`);
    const readEvent = (event: unknown) => normalise(bound(event));
    const get: Extractor = (ctx) => ctx.field(slot, readEvent);
    return { get, memo: { slot, read: readEvent }, type: def.type, isList: def.isList, field: def, plain: true, text };
  }

  private transformerList(children: TransformerArg[]): Typed {
    const parts = children.map((c) => this.operand(c));
    const get: Extractor = (ctx) => {
      const out: Scalar[] = [];
      for (const p of parts) {
        const v = p.get(ctx);
        if (v === undefined) continue;
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
      return out;
    };
    return { get, type: 'PT_CHARBUF', isList: true, plain: false, text: 'list' };
  }

  private transformer(name: string, args: TransformerArg[], arg: string | undefined, pos: Pos): Typed {
    if (name === 'val') {
      if (arg !== undefined) this.fail("filter error: transformer 'val' does not support field arguments", pos);
      return this.operand(args[0]!);
    }
    if (args.length === 1) {
      if (arg !== undefined) this.fail(`filter error: transformer '${name}' does not support field arguments`, pos);
      return this.singleTransformer(name, this.operand(args[0]!), pos);
    }
    const operands = args.map((a) => this.operand(a));
    switch (name) {
      case 'join':
        return this.join(operands, arg, pos);
      case 'concat':
        return this.concat(operands, arg, pos);
      case 'getopt':
        return this.getopt(operands, args, arg, pos);
      default:
        return this.fail(`filter error: transformer '${name}' does not accept ${args.length} arguments`, pos);
    }
  }

  private singleTransformer(name: string, input: Typed, pos: Pos): Typed {
    if (input.plain && input.field?.noTransformer) {
      this.fail(`filter error: field '${input.text}' does not support transformers`, pos);
    }
    const incompatible = () =>
      this.fail(
        `filter error: can't add field transformer: type '${input.type}' is not supported by '${name}' transformer applied on field '${input.text}'`,
        pos,
      );
    const inner = input.get;
    const mapStrings = (fn: (s: string) => string | undefined): Extractor => (ctx) => {
      const v = inner(ctx);
      if (v === undefined) return undefined;
      if (Array.isArray(v)) return v.map((s) => fn(asString(s))).filter((s): s is string => s !== undefined);
      return fn(asString(v));
    };
    const result = (get: Extractor, type = input.type, isList = input.isList): Typed =>
      ({ get, type, isList, field: input.field, plain: false, text: input.text });
    switch (name) {
      case 'tolower':
      case 'toupper':
      case 'basename': {
        if (!STRING_TYPES.has(input.type)) incompatible();
        const fn = name === 'tolower' ? (s: string) => s.toLowerCase()
          : name === 'toupper' ? (s: string) => s.toUpperCase()
            : (s: string) => s.slice(s.lastIndexOf('/') + 1);
        return result(mapStrings(fn));
      }
      case 'b64':
        if (input.type !== 'PT_CHARBUF' && input.type !== 'PT_BYTEBUF') incompatible();
        return result(mapStrings(decodeBase64));
      case 'len': {
        if (!input.isList && !STRING_TYPES.has(input.type) && input.type !== 'PT_BYTEBUF') incompatible();
        return result((ctx) => {
          const v = inner(ctx);
          if (v === undefined) return input.isList ? 0 : undefined;
          if (Array.isArray(v)) return v.length;
          return Buffer.isBuffer(v) ? v.length : byteLength(asString(v));
        }, 'PT_UINT64', false);
      }
      default:
        return this.fail(`filter error: unknown transformer '${name}' with one argument`, pos);
    }
  }

  private join(operands: Typed[], arg: string | undefined, pos: Pos): Typed {
    if (operands.length !== 2) this.fail('filter error: join() requires exactly 2 arguments', pos);
    if (arg !== undefined) this.fail("filter error: transformer 'join' does not support field arguments", pos);
    const [sep, list] = operands as [Typed, Typed];
    if (sep.isList) this.fail('filter error: join() first argument (separator) must not be a list', pos);
    if (!list.isList) this.fail('filter error: join() second argument must be a list', pos);
    return {
      get: (ctx) => {
        const s = sep.get(ctx);
        const items = list.get(ctx);
        if (s === undefined || items === undefined) return undefined;
        return (Array.isArray(items) ? items : [items]).map(asString).join(asString(s as Scalar));
      },
      type: 'PT_CHARBUF',
      isList: false,
      plain: false,
      text: 'join',
    };
  }

  private concat(operands: Typed[], arg: string | undefined, pos: Pos): Typed {
    if (operands.length < 2) this.fail('filter error: concat() requires at least 2 arguments', pos);
    if (arg !== undefined) this.fail("filter error: transformer 'concat' does not support field arguments", pos);
    if (operands.some((o) => o.isList)) this.fail('filter error: concat() arguments must be strings (not lists)', pos);
    return {
      get: (ctx) => {
        let out = '';
        for (const o of operands) {
          const v = o.get(ctx);
          if (v === undefined) return undefined;
          out += asString(v as Scalar);
        }
        return out;
      },
      type: 'PT_CHARBUF',
      isList: false,
      plain: false,
      text: 'concat',
    };
  }

  private getopt(operands: Typed[], args: TransformerArg[], key: string | undefined, pos: Pos): Typed {
    if (operands.length !== 2) this.fail('filter error: getopt() requires exactly 2 arguments', pos);
    const [argv, spec] = operands as [Typed, Typed];
    if (!argv.isList) this.fail('filter error: getopt() first argument must be a list', pos);
    if (spec.isList || args[1]!.kind !== 'value') this.fail('filter error: getopt() second argument must be a string', pos);
    if (key === '') this.fail('filter error: getopt() option argument must not be empty', pos);
    const optstring = (args[1] as { value: string }).value;
    return {
      get: (ctx) => {
        const v = argv.get(ctx);
        if (v === undefined) return undefined;
        const parsed = parseOptions((Array.isArray(v) ? v : [v]).map(asString), optstring);
        if (key === undefined) return parsed.flatMap(([opt, value]) => (value === undefined ? [opt] : [opt, value]));
        let found: string | undefined;
        for (const [opt, value] of parsed) if (opt === key) found = value ?? opt;
        return found;
      },
      type: 'PT_CHARBUF',
      isList: key === undefined,
      plain: false,
      text: 'getopt',
    };
  }

  // ---- checks

  private checkOperator(left: Typed, op: string, pos: Pos): void {
    const [base, modifier] = op.split(' ') as [string, string | undefined];
    const mismatch = operatorMismatch(base, left.type, left.isList);
    if (!mismatch) return;
    const family = typeFamily(left.type);
    if (modifier && (family === 'ip' || family === 'net')) {
      this.fail(`filter error: '${op}' with modifier not supported for ip address and network filters`, pos);
    }
    this.fail(`filter error: ${mismatch}`, pos);
  }

  private unary(node: UnaryCheck): Check {
    const left = this.operand(node.left);
    this.checkOperator(left, 'exists', node.pos);
    return { kind: 'exists', get: left.get, memo: left.memo };
  }

  private binary(node: BinaryCheck): Check {
    const left = this.asTextIfLegacy(this.operand(node.left), node.op, node.pos);
    this.checkOperator(left, node.op, node.pos);
    const [op, modifier] = node.op.split(' ') as [string, ('oneof' | 'anyof' | 'allof') | undefined];
    const right = node.right;
    if (right.kind === 'field' || right.kind === 'transformer') return { kind: 'filter', filter: this.fieldToField(left, op, right, node.pos) };
    const values = right.kind === 'list' ? right.values : [right.value];
    for (const v of values) this.warnAboutValue(op, v, right.pos);
    const test = this.valueTest(left, op, values, modifier, node.pos);
    const equality = op === '=' || op === '==' || op === 'in';
    const oneOf = equality && !modifier && !left.isList && typeFamily(left.type) === 'string' ? values : undefined;
    return { kind: 'test', get: left.get, memo: left.memo, test, oneOf };
  }

  /** With listsAsText, a list field under an operator only text takes reads as the JSON text of its values. */
  private asTextIfLegacy(left: Typed, op: string, pos: Pos): Typed {
    const base = op.split(' ')[0]!;
    if (!this.listsAsText || !left.isList || !left.plain || typeFamily(left.type) !== 'string') return left;
    if (!operatorMismatch(base, left.type, true) || operatorMismatch(base, left.type, false)) return left;
    this.warnings.push({
      message: `'${op}' on the list field '${left.text}' compares the JSON text of its values, as Falco 0.31 did; use 'intersects' or 'in' instead`,
      pos,
    });
    const get = left.get;
    return { ...left, get: (ctx) => listText(get(ctx)), memo: undefined, isList: false, plain: false };
  }

  private fieldToField(left: Typed, op: string, rightNode: Operand, pos: Pos): Filter {
    const right = this.operand(rightNode);
    if (op === 'pmatch' || op === 'regex') {
      this.fail(`filter error: operator '${op}' can't be used with field-to-field comparisons`, pos);
    }
    if (typeFamily(left.type) === 'net') this.fail('filter error: network fields do not support field-to-field comparisons', pos);
    if ((left.plain && left.field?.noRhs) || (right.plain && right.field?.noRhs)) {
      this.fail(`filter error: field '${right.plain ? right.text : left.text}' can't be used in a field-to-field comparison`, pos);
    }
    if (left.type !== right.type || left.isList !== right.isList) {
      this.fail(
        `filter error: field-to-field comparison requires both sides to have the same type: '${left.type}' and '${right.type}'`,
        pos,
      );
    }
    const compare = scalarComparator(left.type);
    const lget = left.get;
    const rget = right.get;
    return (ctx) => {
      const a = lget(ctx);
      const b = rget(ctx);
      if (a === undefined || b === undefined) return false;
      const bs = Array.isArray(b) ? b : [b];
      const as = Array.isArray(a) ? a : [a];
      if (op === 'in') return as.every((x) => bs.some((y) => compare(x, y, '=')));
      if (op === 'intersects') return as.some((x) => bs.some((y) => compare(x, y, '=')));
      return as.some((x) => bs.some((y) => compare(x, y, op)));
    };
  }

  /** Builds the test of an extracted value against constant values. */
  private valueTest(
    left: Typed,
    op: string,
    texts: string[],
    modifier: 'oneof' | 'anyof' | 'allof' | undefined,
    pos: Pos,
  ): (v: Exclude<FieldValue, undefined>) => boolean {
    const constants = texts.map((t) => this.parseConstant(left, op, t, pos));
    if (modifier) {
      const tests = constants.map((c) => singleTest(op, left.type, c));
      const n = tests.length;
      return (v) => {
        if (Array.isArray(v)) return false;
        let count = 0;
        for (const t of tests) if (t(v)) count++;
        return modifier === 'oneof' ? count === 1 : modifier === 'anyof' ? count >= 1 : n > 0 && count === n;
      };
    }
    if (op === 'in' || op === 'intersects' || op === 'pmatch') {
      const member = membership(op, left.type, constants);
      if (left.isList) {
        return op === 'intersects'
          ? (v) => (v as Scalar[]).some(member)
          : (v) => (v as Scalar[]).length > 0 && (v as Scalar[]).every(member);
      }
      return (v) => (Array.isArray(v) ? v.some(member) : member(v));
    }
    const test = singleTest(op, left.type, constants[0]!);
    if (op === '!=') return (v) => (Array.isArray(v) ? !v.some((x) => !test(x)) : test(v));
    return (v) => (Array.isArray(v) ? v.some(test) : test(v));
  }

  /** Reads a constant with the type of the field it is compared with. */
  private parseConstant(left: Typed, op: string, text: string, pos: Pos): Constant {
    if (op === 'bcontains' || op === 'bstartswith') {
      if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text) || text.length === 0) {
        this.fail('filter error: bcontains and bstartswith operator support hex strings only', pos);
      }
      return Buffer.from(text, 'hex');
    }
    const type = left.type;
    const family = typeFamily(type);
    if (family !== 'buffer' && text.includes('\0')) this.fail('filter error: values cannot contain NUL bytes', pos);
    switch (family) {
      case 'string':
        if (op === 'regex') {
          try {
            return RE2JS.compile(text);
          } catch (err) {
            this.fail(`filter error: invalid regular expression '${text}': ${(err as Error).message}`, pos);
          }
        }
        if (op === 'glob' || op === 'iglob') return globToRegExp(text, op === 'iglob');
        return text;
      case 'buffer':
        return stringToBytes(text);
      case 'bool':
        if (text !== 'true' && text !== 'false') this.fail(`filter error: unrecognized boolean value ${text}`, pos);
        return text === 'true';
      case 'ip': {
        const ip = parseIp(text);
        if (!ip) this.fail(`filter error: unrecognized IP address ${text}`, pos);
        return ip;
      }
      case 'net': {
        const net = parseSubnet(text);
        if (!net) this.fail(`filter error: unrecognized IP network ${text}`, pos);
        return net;
      }
      case 'numeric': {
        const n = parseInteger(text) ?? (type === 'PT_PORT' ? SERVICES[text] : undefined);
        const limits = NUMERIC_LIMITS[type];
        if (n === undefined || (limits && (n < limits[0] || n > limits[1])) || (type.startsWith('PT_UINT') && n < 0)) {
          this.fail(`filter error: '${text}' is not a valid number for ${type}`, pos);
        }
        return n;
      }
      default:
        return text;
    }
  }

  private warnAboutValue(op: string, value: string, pos: Pos): void {
    if (op === 'regex' && regexCouldBeSimpler(value)) {
      this.warnings.push({
        message: `regex check with '${value}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'`,
        pos,
      });
    }
    const compact = value.replace(/[ \t\n\v\f\r]/g, '');
    if (/^[a-zA-Z]/.test(compact) && this.looksLikeField(compact)) {
      this.warnings.push({ message: `'${value}' may be a valid field misused as a const string value`, pos });
    }
    for (const t of ['val', ...TRANSFORMERS]) {
      if (compact.length >= t.length + 2 && compact.startsWith(`${t}(`) && compact.endsWith(')')) {
        this.warnings.push({ message: `'${value}' may be a valid field transformer misused as a const string value`, pos });
      }
    }
  }

  private looksLikeField(text: string): boolean {
    const m = /^([^[]+)(?:\[(.*)\])?$/.exec(text);
    return m !== null && this.catalog.resolve(m[1]!, m[2]) !== undefined;
  }
}

type Constant = string | number | boolean | Buffer | Ip | Subnet | RE2JS | RegExp;

function constant(value: string): Typed {
  return { get: () => value, type: 'PT_CHARBUF', isList: false, plain: false, text: value };
}

/** Extractors may return empty lists and nulls; both mean "no value". */
function normalise(v: FieldValue | null): FieldValue {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  return v;
}

/** A list field's values as Falco 0.31's k8s engine showed them: JSON text. */
function listText(v: FieldValue): FieldValue {
  return Array.isArray(v) ? JSON.stringify(v.map((x) => (Buffer.isBuffer(x) ? bytesToString(x) : x))) : v;
}

function asString(v: Scalar): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return bytesToString(v);
  return String(v);
}

function asBytes(v: Scalar): Buffer {
  return Buffer.isBuffer(v) ? v : stringToBytes(asString(v));
}

function asNumber(v: Scalar): number {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number(asString(v));
}

function asIp(v: Scalar): Ip | undefined {
  return parseIp(asString(v));
}

function parseInteger(text: string): number | undefined {
  if (/^[+-]?[0-9]+$/.test(text)) return Number(text);
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text, 16);
  return undefined;
}

/** A test of one extracted scalar against one constant. */
function singleTest(op: string, type: string, c: Constant): (v: Scalar) => boolean {
  const family = typeFamily(type);
  switch (op) {
    case 'contains':
      if (family === 'buffer') return (v) => asBytes(v).includes(c as Buffer);
      return (v) => asString(v).includes(c as string);
    case 'icontains': {
      const lower = (c as string).toLowerCase();
      return (v) => asString(v).toLowerCase().includes(lower);
    }
    case 'startswith':
      if (family === 'buffer') return (v) => asBytes(v).subarray(0, (c as Buffer).length).equals(c as Buffer);
      return (v) => asString(v).startsWith(c as string);
    case 'endswith':
      if (family === 'buffer') return (v) => { const b = asBytes(v); return b.subarray(b.length - (c as Buffer).length).equals(c as Buffer); };
      return (v) => asString(v).endsWith(c as string);
    case 'bcontains':
      return (v) => asBytes(v).includes(c as Buffer);
    case 'bstartswith':
      return (v) => asBytes(v).subarray(0, (c as Buffer).length).equals(c as Buffer);
    case 'glob':
    case 'iglob':
      return (v) => (c as RegExp).test(asString(v));
    case 'regex':
      return (v) => (c as RE2JS).matches(forRegex(asString(v)));
    default: {
      if (family === 'string' && (op === '=' || op === '==')) return (v) => asString(v) === c;
      if (family === 'string' && op === '!=') return (v) => asString(v) !== c;
      const compare = scalarComparator(type);
      return (v) => compare(v, c, op);
    }
  }
}

/** Equality and ordering of two scalars of a type (`b` may be a parsed constant). */
function scalarComparator(type: string): (a: Scalar, b: Scalar | Constant, op: string) => boolean {
  const family = typeFamily(type);
  const order = (cmp: number, op: string): boolean => {
    switch (op) {
      case '=':
      case '==':
        return cmp === 0;
      case '!=':
        return cmp !== 0;
      case '<':
        return cmp < 0;
      case '<=':
        return cmp <= 0;
      case '>':
        return cmp > 0;
      case '>=':
        return cmp >= 0;
      default:
        return false;
    }
  };
  switch (family) {
    case 'numeric':
      return (a, b, op) => {
        const x = asNumber(a);
        const y = typeof b === 'number' ? b : asNumber(b as Scalar);
        return !Number.isNaN(x) && order(x < y ? -1 : x > y ? 1 : 0, op);
      };
    case 'bool':
      return (a, b, op) => order(asBoolean(a) === (typeof b === 'boolean' ? b : asBoolean(b as Scalar)) ? 0 : 1, op);
    case 'ip':
      return (a, b, op) => {
        const x = asIp(a);
        const y = isIpConstant(b) ? b : asIp(b as Scalar);
        return x !== undefined && y !== undefined && order(sameIp(x, y) ? 0 : 1, op);
      };
    case 'net':
      return (a, b, op) => {
        const x = asIp(a);
        return x !== undefined && order(inSubnet(x, b as Subnet) ? 0 : 1, op);
      };
    case 'buffer':
      return (a, b, op) => order(Buffer.compare(asBytes(a), Buffer.isBuffer(b) ? b : asBytes(b as Scalar)), op);
    default:
      return (a, b, op) => {
        const x = asString(a);
        const y = asString(b as Scalar);
        return order(x < y ? -1 : x > y ? 1 : 0, op);
      };
  }
}

function isIpConstant(b: unknown): b is Ip {
  return typeof b === 'object' && b !== null && 'version' in b;
}

function asBoolean(v: Scalar): boolean {
  return v === true || v === 'true' || v === 1;
}

/** Set membership for `in`, `intersects` and `pmatch`. */
function membership(op: string, type: string, constants: Constant[]): (v: Scalar) => boolean {
  if (op === 'pmatch') {
    const patterns = constants.map(String);
    return (v) => patterns.some((p) => pathPrefixMatch(p, asString(v)));
  }
  const family = typeFamily(type);
  if (family === 'string') {
    const set = new Set(constants as string[]);
    return (v) => set.has(asString(v));
  }
  if (family === 'numeric') {
    const set = new Set(constants as number[]);
    return (v) => set.has(asNumber(v));
  }
  const compare = scalarComparator(type);
  return (v) => constants.some((c) => compare(v, c, '='));
}

function decodeBase64(s: string): string | undefined {
  const clean = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  return bytesToString(Buffer.from(clean, 'base64'));
}

/** Falco's hint that a regex without special characters could be a plain comparison. */
function regexCouldBeSimpler(v: string): boolean {
  const special = '.+*?^$()[]{}|\\';
  const occurrence = '+*?';
  for (let i = 0; i < v.length; i++) {
    if ((i === 0 && v[i] === '^') || (i === v.length - 1 && v[i] === '$')) continue;
    if (((i === 0 && v.length > 1) || i === v.length - 2) && v[i] === '.' && occurrence.includes(v[i + 1]!)) {
      i++;
      continue;
    }
    if (special.includes(v[i]!)) return false;
  }
  return true;
}

/**
 * POSIX getopt over an argument list: each option gives [letter, argument?]; an unknown
 * option or a missing argument gives ['?'] or [letter, ''] as Falco's getopt() does.
 */
function parseOptions(argv: string[], optstring: string): Array<[string, string | undefined]> {
  const spec = optstring.startsWith(':') ? optstring.slice(1) : optstring;
  const out: Array<[string, string | undefined]> = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') break;
    if (word.startsWith('--')) continue;
    if (!word.startsWith('-') || word.length < 2) break;
    for (let j = 1; j < word.length; j++) {
      const letter = word[j]!;
      const at = letter === ':' ? -1 : spec.indexOf(letter);
      if (at < 0) {
        out.push(['?', undefined]);
        continue;
      }
      if (spec[at + 1] !== ':') {
        out.push([letter, undefined]);
        continue;
      }
      if (j + 1 < word.length) out.push([letter, word.slice(j + 1)]);
      else if (i + 1 < argv.length) out.push([letter, argv[++i]!]);
      else out.push([letter, '']);
      break;
    }
  }
  return out;
}
