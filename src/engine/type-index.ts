import type { BinaryCheck, Expr, FieldExpr } from '../rules/condition/index.js';

/**
 * What a condition requires, from what its comparisons require: a comparison gives a set of
 * values (or undefined: nothing known), `or` needs one of its children's, and `and` combines
 * its children's with `both` (every child holds, so any child's requirement holds).
 */
function required(
  expr: Expr,
  compared: (check: BinaryCheck) => Set<string> | undefined,
  both: (a: Set<string>, b: Set<string>) => Set<string>,
): Set<string> | undefined {
  switch (expr.kind) {
    case 'binary':
      return compared(expr);
    case 'and': {
      let result: Set<string> | undefined;
      for (const child of expr.children) {
        const values = required(child, compared, both);
        if (values) result = result ? both(result, values) : values;
      }
      return result;
    }
    case 'or': {
      const union = new Set<string>();
      for (const child of expr.children) {
        const values = required(child, compared, both);
        if (!values) return undefined;
        for (const v of values) union.add(v);
      }
      return union;
    }
    default:
      return undefined;
  }
}

/** The constants a check compares its left side with for `=` (one) or `in` (a list). */
function equalTo(check: BinaryCheck, inOps: readonly string[]): readonly string[] | undefined {
  if ((check.op === '=' || check.op === '==') && check.right.kind === 'value') return [check.right.value];
  if (inOps.includes(check.op) && check.right.kind === 'list') return check.right.values;
  return undefined;
}

/**
 * The values a field must have for a condition to be true, or undefined when the
 * condition does not pin the field down. This is Falco's event-type index generalised:
 * `ct.name in (A, B) and ...` can only match events named A or B, so the engine offers
 * an event only to the rules that can match its name.
 */
export function requiredValues(expr: Expr, field: string): Set<string> | undefined {
  return required(
    expr,
    (check) => {
      if (check.left.kind !== 'field' || check.left.name !== field || check.left.arg !== undefined) return undefined;
      const values = equalTo(check, ['in', 'intersects']);
      return values && new Set(values);
    },
    (a, b) => new Set([...a].filter((v) => b.has(v))),
  );
}

/**
 * Texts of which a JSON line must hold at least one for a condition to be true, or undefined
 * when it cannot be told: `ct.user.identitytype = Root and ...` needs `Root` in the line, when
 * the field's values are the event's strings as written (`verbatim`) and the line has no
 * escapes. A constant that a number, an object or an array could also print as (`1e3` is read
 * as `1000`) is never required.
 */
export function requiredLiterals(expr: Expr, verbatim: (field: FieldExpr) => boolean): Set<string> | undefined {
  return required(
    expr,
    (check) => {
      if (check.left.kind !== 'field' || !verbatim(check.left)) return undefined;
      const constants = equalTo(check, ['in']);
      return constants?.every(isPlainText) ? new Set(constants) : undefined;
    },
    // Any one child's texts will do: the fewest make the surest test.
    (a, b) => (b.size < a.size ? b : a),
  );
}

/** Text that only a string (or true, false, null) prints as, and that JSON writes without escapes. */
function isPlainText(text: string): boolean {
  if (text === '' || text.startsWith('{') || text.startsWith('[')) return false;
  // JSON escapes quotes, backslashes and control characters: such a text is never written as it is.
  if ([...text].some((c) => c === '"' || c === '\\' || c < ' ')) return false;
  return Number.isNaN(Number(text));
}
