/**
 * Conditions as generated functions. A tree of closures (one per and, or and not) shares a
 * handful of call sites between every rule, so V8 can neither predict nor inline them; a
 * function per condition, whose every comparison is called from a call site of its own,
 * runs several times faster. The rules an event may meet are further joined into one
 * function in which a comparison that several rules make (`kevt`, `non_system_user`) is
 * made once, its result kept in a local variable.
 *
 * Only names of the form `r3`, `t3`, `f3`, slot numbers and operators are written into the
 * code: every value (field readers, constants, tests) reaches it as an argument, never as text.
 */
import type { Expr } from './ast.js';
import type { EvalContext, Extractor, Filter } from './compiler.js';
import type { FieldValue } from '../fields.js';
import { printCondition } from './printer.js';

/** A field read as it is: its slot in the per-event memo, and how it is read on a miss. */
export interface FieldRead {
  slot: number;
  read: (event: unknown) => FieldValue;
}

/** One comparison of a condition, compiled. */
export type Check =
  /** The operand's value tested against constants (`=`, `in`, `startswith`, …). */
  | {
      kind: 'test';
      get: Extractor;
      memo?: FieldRead;
      test: (v: Exclude<FieldValue, undefined>) => boolean;
      /** When set, the test of a string value is exactly "is one of these" (`=`, `in` on text), made inline. */
      oneOf?: readonly string[];
    }
  /** The operand has a value (`exists`). */
  | { kind: 'exists'; get: Extractor; memo?: FieldRead }
  /** Anything else (field-to-field comparisons), as it is. */
  | { kind: 'filter'; filter: Filter };

/** A condition's and/or/not structure over its compiled comparisons. */
export type Plan =
  | { kind: 'and' | 'or'; children: Plan[] }
  | { kind: 'not'; child: Plan }
  /** `key` is the comparison's canonical text: equal keys make equal comparisons. */
  | { kind: 'check'; key: string; check: Check };

/** Pushes the index of every condition (of those it was made from) that the event meets, in order. */
export type Matcher = (ctx: EvalContext, matched: number[]) => void;

/** A value is there unless it is missing or an empty list. */
export function present(v: FieldValue): boolean {
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

/** The plan of a condition: `compile` turns each comparison (and its canonical text) into a Check. */
export function planCondition(ast: Expr, compile: (node: Expr, key: string) => Check): Plan {
  switch (ast.kind) {
    case 'and':
    case 'or':
      return { kind: ast.kind, children: ast.children.map((c) => planCondition(c, compile)) };
    case 'not':
      return { kind: 'not', child: planCondition(ast.child, compile) };
    default: {
      const key = printCondition(ast);
      return { kind: 'check', key, check: compile(ast, key) };
    }
  }
}

/**
 * One condition as a function, generated when first called: the engine joins rules with
 * matcherOf instead, so a ruleset's thousand conditions need not each be compiled twice.
 */
export function filterOf(plan: Plan): Filter {
  let generated: Filter | undefined;
  return (ctx) => {
    if (!generated) {
      const code = new Code();
      const body = code.condition(plan, (check) => code.check(check));
      generated = code.build(`return function condition(ctx) { ${code.locals()}; return ${body}; };`) as Filter;
    }
    return generated(ctx);
  };
}

/**
 * Several conditions as one function: each comparison is made at most once per event, however
 * many of the conditions make it, and only when a condition needs it (and/or still stop early).
 * A condition given without a plan is called as it is.
 */
export function matcherOf(conditions: Array<Plan | Filter>): Matcher {
  const code = new Code();
  // Each comparison's code, written once and kept in its local (undefined: not made yet for this event).
  const memo = new Map<string, string>();
  const remembered = (key: string, check: Check): string => {
    let use = memo.get(key);
    if (!use) {
      const name = `m${memo.size}`;
      memo.set(key, (use = `(${name} !== undefined ? ${name} : (${name} = ${code.check(check)}))`));
    }
    return use;
  };
  const lines = conditions.map((c, i) => {
    const test = typeof c === 'function' ? `${code.value('f', c)}(ctx)` : code.condition(c, (check, key) => remembered(key, check));
    return `  if (${test}) matched.push(${i});`;
  });
  const results = Array.from(memo.keys(), (_, i) => `, m${i}`).join('');
  return code.build(`return function match(ctx, matched) {\n  ${code.locals()}${results};\n${lines.join('\n')}\n};`) as Matcher;
}

/** What a field's local holds before the field is read (undefined is a field's value: missing). */
const NOT_READ = Symbol('not read');

/** Generated code and the values its names stand for. */
class Code {
  private readonly names: string[] = ['present', 'NOT_READ'];
  private readonly values: unknown[] = [present, NOT_READ];
  /** Per plain field the code reads (by slot): its local, so it is read once per call, and its read. */
  private readonly fields = new Map<number, { local: string; read: string }>();

  /** A name for a value the code uses. */
  value(prefix: string, value: unknown): string {
    const name = `${prefix}${this.values.length}`;
    this.names.push(name);
    this.values.push(value);
    return name;
  }

  /** A condition's expression, each comparison written by `check`. */
  condition(plan: Plan, check: (check: Check, key: string) => string): string {
    switch (plan.kind) {
      case 'and':
        return `(${plan.children.map((c) => this.condition(c, check)).join(' && ')})`;
      case 'or':
        return `(${plan.children.map((c) => this.condition(c, check)).join(' || ')})`;
      case 'not':
        return `!${this.condition(plan.child, check)}`;
      case 'check':
        return check(plan.check, plan.key);
    }
  }

  /** A comparison's expression (it uses the local `v`). */
  check(check: Check): string {
    switch (check.kind) {
      case 'test': {
        const test = `${this.value('t', check.test)}(v)`;
        const { oneOf } = check;
        const inline = !oneOf ? undefined : oneOf.length === 1 ? `v === ${this.value('c', oneOf[0])}` : `${this.value('s', new Set(oneOf))}.has(v)`;
        return `((v = ${this.operand(check.get, check.memo)}) !== undefined && ${inline ? `(typeof v === 'string' ? ${inline} : ${test})` : test})`;
      }
      case 'exists':
        return `present(${this.operand(check.get, check.memo)})`;
      case 'filter':
        return `${this.value('f', check.filter)}(ctx)`;
    }
  }

  /**
   * Reads an operand: a plain field into a local of its own, read on first use by a call of its
   * own (one shared memo function would make every field's reader one megamorphic call that V8
   * cannot inline).
   */
  private operand(get: Extractor, memo: FieldRead | undefined): string {
    if (!memo) return `${this.value('f', get)}(ctx)`;
    let field = this.fields.get(memo.slot);
    if (!field) this.fields.set(memo.slot, (field = { local: `x${memo.slot}`, read: this.value('r', memo.read) }));
    const { local, read } = field;
    return `(${local} !== NOT_READ ? ${local} : (${local} = ${read}(ctx.event)))`;
  }

  /** The declaration of the locals the code uses (`v`, and each field's). */
  locals(): string {
    return `let v${Array.from(this.fields.values(), ({ local }) => `, ${local} = NOT_READ`).join('')}`;
  }

  build(body: string): unknown {
    // Generated from names only (see above).
    const make = new Function(...this.names, body) as (...values: unknown[]) => unknown;
    return make(...this.values);
  }
}
