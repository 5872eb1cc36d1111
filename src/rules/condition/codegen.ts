/**
 * The and/or/not structure of a condition as one generated function. A tree of closures
 * (one per and, or and not) shares a handful of call sites between every rule, so V8 can
 * neither predict nor inline them; one function per condition, whose every comparison is
 * called from a call site of its own, runs several times faster. Only names of the form
 * `f3`, `t3`, `r3` and slot numbers are written into the code: every value (field readers,
 * constants, tests) reaches it as an argument, never as text.
 */
import type { Expr } from './ast.js';
import type { EvalContext, Extractor, Filter } from './compiler.js';
import type { FieldValue } from '../fields.js';

/** A field read as it is: its slot in the per-event memo, and how it is read on a miss. */
export interface FieldRead {
  slot: number;
  read: (event: unknown) => FieldValue;
}

/** One comparison of a condition, compiled. */
export type Check =
  /** The operand's value tested against constants (`=`, `in`, `startswith`, …). */
  | { kind: 'test'; get: Extractor; memo?: FieldRead; test: (v: Exclude<FieldValue, undefined>) => boolean }
  /** The operand has a value (`exists`). */
  | { kind: 'exists'; get: Extractor; memo?: FieldRead }
  /** Anything else (field-to-field comparisons), as it is. */
  | { kind: 'filter'; filter: Filter };

/** A value is there unless it is missing or an empty list. */
export function present(v: FieldValue): boolean {
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

/** Compiles a condition: `compile` turns each comparison into a Check. */
export function generateFilter(ast: Expr, compile: (node: Expr) => Check): Filter {
  const names: string[] = ['present'];
  const values: unknown[] = [present];
  const bind = (prefix: string, value: unknown): string => {
    const name = `${prefix}${values.length}`;
    names.push(name);
    values.push(value);
    return name;
  };
  /** The expression that reads an operand: the memo directly for a plain field. */
  const operand = (get: Extractor, memo: FieldRead | undefined): string =>
    memo ? `ctx.field(${memo.slot}, ${bind('r', memo.read)})` : `${bind('f', get)}(ctx)`;

  const emit = (node: Expr): string => {
    switch (node.kind) {
      case 'and':
        return `(${node.children.map(emit).join(' && ')})`;
      case 'or':
        return `(${node.children.map(emit).join(' || ')})`;
      case 'not':
        return `!${emit(node.child)}`;
      default: {
        const check = compile(node);
        switch (check.kind) {
          case 'test':
            return `((v = ${operand(check.get, check.memo)}) !== undefined && ${bind('t', check.test)}(v))`;
          case 'exists':
            return `present(${operand(check.get, check.memo)})`;
          case 'filter':
            return `${bind('c', check.filter)}(ctx)`;
        }
      }
    }
  };
  const body = emit(ast);
  // Generated from names only (see above).
  const make = new Function(...names, `return function condition(ctx) { let v; return ${body}; };`) as (...args: unknown[]) => Filter;
  return make(...values) as (ctx: EvalContext) => boolean;
}
