import type { Expr, FieldExpr } from '../rules/condition/index.js';

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

/**
 * Texts of which a JSON line must hold at least one for a condition to be true, or undefined
 * when it cannot be told: `ct.user.identitytype = Root and ...` needs `Root` in the line, when
 * the field's values are the event's strings as written (`verbatim`) and the line has no
 * escapes. A constant that a number, an object or an array could also print as (`1e3` is read
 * as `1000`) is never required.
 */
export function requiredLiterals(expr: Expr, verbatim: (field: FieldExpr) => boolean): Set<string> | undefined {
  switch (expr.kind) {
    case 'binary': {
      if (expr.left.kind !== 'field' || !verbatim(expr.left)) return undefined;
      const constants = (expr.op === '=' || expr.op === '==') && expr.right.kind === 'value' ? [expr.right.value]
        : expr.op === 'in' && expr.right.kind === 'list' ? expr.right.values : undefined;
      return constants?.every(isPlainText) ? new Set(constants) : undefined;
    }
    case 'and': {
      // Every child holds, so any one child's texts will do: the fewest make the surest test.
      let fewest: Set<string> | undefined;
      for (const child of expr.children) {
        const texts = requiredLiterals(child, verbatim);
        if (texts && (!fewest || texts.size < fewest.size)) fewest = texts;
      }
      return fewest;
    }
    case 'or': {
      const union = new Set<string>();
      for (const child of expr.children) {
        const texts = requiredLiterals(child, verbatim);
        if (!texts) return undefined;
        for (const t of texts) union.add(t);
      }
      return union;
    }
    default:
      return undefined;
  }
}

/** Text that only a string (or true, false, null) prints as, and that JSON writes without escapes. */
function isPlainText(text: string): boolean {
  if (text === '' || text.startsWith('{') || text.startsWith('[')) return false;
  // JSON escapes quotes, backslashes and control characters: such a text is never written as it is.
  if ([...text].some((c) => c === '"' || c === '\\' || c < ' ')) return false;
  return Number.isNaN(Number(text));
}
