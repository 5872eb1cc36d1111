/**
 * From a condition's text to its final AST, as Falco does it: lists are substituted in the
 * text (falco rule_loader_compiler.cpp resolve_list, quirks included), the text is parsed,
 * macros are replaced by their AST in place (filter_macro_resolver.cpp); then the AST is
 * checked for Falco's warnings (filter_warning_resolver.cpp) and for how many event types it
 * can match (libsinsp filter/ppm_codes.cpp).
 */
import type { Expr, Node, Pos } from './condition/index.js';
import { quoteItem } from './exceptions.js';

export interface CompiledList {
  name: string;
  items: string[];
  used: boolean;
}

const BLANKS = ' \t\n\r';
const DELIMS = `${BLANKS}(),=`;

/** Replaces every delimited occurrence of the list's name by its items; true when it did. */
export function substituteList(condition: string, list: CompiledList): { text: string; used: boolean } {
  let cnd = condition;
  let used = false;
  let start = cnd.indexOf(list.name);
  if (start === -1) return { text: cnd, used };
  const sub = list.items.map(quoteItem).join(', ');
  while (start !== -1) {
    let end = start + list.name.length;
    if ((start === 0 || DELIMS.includes(cnd[start - 1]!)) && (end >= cnd.length || DELIMS.includes(cnd[end]!))) {
      while (start > 0 && BLANKS.includes(cnd[start - 1]!)) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end]!)) end++;
      // An empty list takes one of its neighbouring commas with it.
      if (sub === '') {
        if (start > 0 && cnd[start - 1] === ',') start--;
        else if (end < cnd.length && cnd[end] === ',') end++;
      }
      cnd = `${start > 0 ? `${cnd.slice(0, start)} ` : ''}${sub} ${cnd.slice(end)}`;
      start += sub.length + 1;
      used = true;
    }
    start = cnd.indexOf(list.name, start + 1);
  }
  return { text: cnd, used };
}

/** Substitutes every list, in definition order, marking the ones used. */
export function substituteLists(condition: string, lists: Iterable<CompiledList>): string {
  let text = condition;
  for (const list of lists) {
    const r = substituteList(text, list);
    text = r.text;
    if (r.used) list.used = true;
  }
  return text;
}

/**
 * A deep copy that shares the (immutable) positions with the original, so that a position
 * still tells which text it came from once a macro has been copied into a rule.
 */
export function cloneExpr<T extends Node>(node: T): T {
  const copy = (value: unknown, key: string): unknown => {
    if (key === 'pos' || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => copy(v, ''));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v, k)]));
  };
  return copy(node, '') as T;
}

export interface MacroResolution {
  ast: Expr;
  /** Names of the macros expanded, nested ones included. */
  resolved: string[];
  /** The first problem: a reference loop, else an undefined macro. */
  problem?: { message: string; pos: Pos };
}

/** Replaces each identifier by a copy of its macro's AST (itself resolved), in place. */
export function resolveMacros(ast: Expr, macros: ReadonlyMap<string, Expr>): MacroResolution {
  const resolved: string[] = [];
  const errors: { message: string; pos: Pos }[] = [];
  const unknown: { message: string; pos: Pos }[] = [];
  const path: string[] = [];

  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'and':
      case 'or':
        e.children = e.children.map(visit);
        return e;
      case 'not':
        e.child = visit(e.child);
        return e;
      case 'identifier': {
        const macro = macros.get(e.name);
        if (!macro) {
          unknown.push({ message: `Undefined macro '${e.name}' used in filter.`, pos: e.pos });
          return e;
        }
        if (path.includes(e.name)) {
          errors.push({ message: `reference loop in macro '${e.name}'`, pos: e.pos });
          return e;
        }
        path.push(e.name);
        const expanded = visit(cloneExpr(macro));
        resolved.push(e.name);
        path.pop();
        return expanded;
      }
      default:
        return e;
    }
  };
  const out = visit(ast);
  return { ast: out, resolved, problem: errors[0] ?? unknown[0] };
}

/** Fields Falco reports as deprecated wherever they appear (falco_load_result.cpp). */
export const DEPRECATED_FIELDS: Record<string, string> = {
  'evt.dir': "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'",
  'evt.latency': 'field is not available due to the drop of enter events.',
  'evt.latency.s': 'field is not available due to the drop of enter events.',
  'evt.latency.ns': 'field is not available due to the drop of enter events.',
  'evt.latency.human': 'field is not available due to the drop of enter events.',
  'evt.wait_latency': 'field is not available due to the drop of enter events.',
};

const EQUALITY = ['==', '=', '!=', 'in', 'intersects', 'pmatch'];
const UNSAFE_PREFIXES = ['ka.', 'jevt.'];

/**
 * Falco's condition warnings: a ka.* or jevt.* field compared for equality with `<NA>`, and
 * deprecated fields (in Falco's order). Like Falco's visitor, it reads the left side of a
 * check (the last field it meets, transformer lists aside), and the right side only of an
 * equality check on such a field.
 */
export function conditionWarnings(ast: Node): { unsafeNA: boolean; deprecated: string[] } {
  let unsafeNA = false;
  let lastFieldUnsafe = false;
  let equalityCheck = false;
  const deprecated = new Set<string>();
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.children.forEach(visit);
        return;
      case 'not':
        visit(n.child);
        return;
      case 'unary':
        visit(n.left);
        return;
      case 'transformer':
        n.args.forEach(visit);
        return;
      case 'field':
        lastFieldUnsafe = UNSAFE_PREFIXES.some((p) => n.name.startsWith(p));
        if (n.name in DEPRECATED_FIELDS) deprecated.add(n.name);
        return;
      case 'binary':
        lastFieldUnsafe = false;
        visit(n.left);
        if (!lastFieldUnsafe || !EQUALITY.includes(n.op)) return;
        equalityCheck = true;
        visit(n.right);
        equalityCheck = false;
        return;
      case 'value':
        if (equalityCheck && n.value === '<NA>') unsafeNA = true;
        return;
      case 'list':
        if (equalityCheck && n.values.includes('<NA>')) unsafeNA = true;
        return;
      default:
        return;
    }
  };
  visit(ast);
  return { unsafeNA, deprecated: Object.keys(DEPRECATED_FIELDS).filter((f) => deprecated.has(f)) };
}

/**
 * A set of event types: a finite set of names, or everything but a finite set of names.
 * Each syscall name stands for its enter and exit events, as in libsinsp's event table.
 */
interface TypeSet {
  complement: boolean;
  names: Set<string>;
}
const ALL = (): TypeSet => ({ complement: true, names: new Set() });
const NONE = (): TypeSet => ({ complement: false, names: new Set() });
/** libsinsp's number of event codes (PPM_EVENT_MAX), near enough for the 100 threshold. */
const EVENT_CODES = 400;
const CODES_PER_NAME = 2;

function invert(s: TypeSet): TypeSet {
  return { complement: !s.complement, names: s.names };
}
function intersect(a: TypeSet, b: TypeSet): TypeSet {
  if (a.complement && b.complement) return { complement: true, names: new Set([...a.names, ...b.names]) };
  if (!a.complement && !b.complement) return { complement: false, names: new Set([...a.names].filter((n) => b.names.has(n))) };
  const [pos, neg] = a.complement ? [b, a] : [a, b];
  return { complement: false, names: new Set([...pos.names].filter((n) => !neg.names.has(n))) };
}
function union(a: TypeSet, b: TypeSet): TypeSet {
  return invert(intersect(invert(a), invert(b)));
}

function isEvtType(n: Node): boolean {
  return n.kind === 'field' && (n.name === 'evt.type' || n.name === 'syscall.type') && n.arg === undefined;
}

/** evt.num starts at 1: some of its checks are known to be always false or always true. */
function evtNumInvariant(e: Expr): 'none' | 'all' | undefined {
  if (e.kind !== 'binary' || e.left.kind !== 'field' || e.left.name !== 'evt.num' || e.left.arg !== undefined) return undefined;
  const num = (t: string) => (/^[0-9]+$/.test(t) ? Number(t) : undefined);
  if (e.op === 'in') {
    if (e.right.kind !== 'list') return undefined;
    return e.right.values.every((v) => num(v) === 0) ? 'none' : undefined;
  }
  if (e.right.kind !== 'value') return undefined;
  const n = num(e.right.value);
  if (n === undefined) return undefined;
  switch (e.op) {
    case '=':
    case '==':
    case '<=':
      return n === 0 ? 'none' : undefined;
    case '<':
      return n <= 1 ? 'none' : undefined;
    case '!=':
    case '>':
      return n === 0 ? 'all' : undefined;
    case '>=':
      return n <= 1 ? 'all' : undefined;
    default:
      return undefined;
  }
}

function eventTypes(e: Expr, negated: boolean): TypeSet {
  const leaf = (s: TypeSet, hasCodes: boolean) => (negated && hasCodes ? invert(s) : s);
  switch (e.kind) {
    case 'and':
    case 'or': {
      const sets = e.children.map((c) => eventTypes(c, negated));
      const conjunction = (e.kind === 'and') !== negated;
      return sets.reduce(conjunction ? intersect : union, conjunction ? ALL() : NONE());
    }
    case 'not':
      return eventTypes(e.child, !negated);
    case 'binary': {
      const invariant = evtNumInvariant(e);
      if (invariant) return leaf(invariant === 'none' ? NONE() : ALL(), true);
      if (['=', '==', '!=', 'in'].includes(e.op) && isEvtType(e.left) && (e.right.kind === 'value' || e.right.kind === 'list')) {
        const names = new Set(e.right.kind === 'value' ? [e.right.value] : e.right.values);
        const set = leaf({ complement: false, names }, true);
        return e.op === '!=' ? invert(set) : set;
      }
      return ALL();
    }
    case 'unary':
      return isEvtType(e.left) ? leaf(ALL(), true) : ALL();
    default:
      return ALL();
  }
}

/** How many event codes a (syscall) condition can match: Falco warns above 100. */
export function eventTypeCount(ast: Expr): number {
  const s = eventTypes(ast, false);
  return s.complement ? EVENT_CODES - CODES_PER_NAME * s.names.size : CODES_PER_NAME * s.names.size;
}
