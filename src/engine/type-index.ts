import type { Expr } from '../rules/condition/index.js';

/**
 * The values a field must have for a condition to be true, or undefined when the
 * condition does not pin the field down. This is Falco's event-type index generalised:
 * `ct.name in (A, B) and ...` can only match events named A or B, so the engine offers
 * an event only to the rules that can match its name.
 */
export function requiredValues(expr: Expr, field: string): Set<string> | undefined {
  switch (expr.kind) {
    case 'binary': {
      if (expr.left.kind !== 'field' || expr.left.name !== field || expr.left.arg !== undefined) return undefined;
      if ((expr.op === '=' || expr.op === '==') && expr.right.kind === 'value') return new Set([expr.right.value]);
      if ((expr.op === 'in' || expr.op === 'intersects') && expr.right.kind === 'list') return new Set(expr.right.values);
      return undefined;
    }
    case 'and': {
      let result: Set<string> | undefined;
      for (const child of expr.children) {
        const values = requiredValues(child, field);
        if (!values) continue;
        result = result ? new Set([...result].filter((v) => values.has(v))) : values;
      }
      return result;
    }
    case 'or': {
      const union = new Set<string>();
      for (const child of expr.children) {
        const values = requiredValues(child, field);
        if (!values) return undefined;
        for (const v of values) union.add(v);
      }
      return union;
    }
    default:
      return undefined;
  }
}
