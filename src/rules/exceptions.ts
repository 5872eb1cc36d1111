/**
 * Rule exceptions: how they are checked when collected and how they become part of the
 * condition text, as falco's rule_loader_collector.cpp and rule_loader_compiler.cpp do it.
 * Falco builds the text and parses the result, so quoting follows its (lossy) rules.
 */
import { LoadError, type Context } from './messages.js';
import { OPERATORS, parseCondition, compileCondition } from './condition/index.js';
import type { FieldCatalog } from './fields.js';

/** A field, comp or value: one string, or a list of entries. */
export interface Entry {
  isList: boolean;
  item: string;
  items: Entry[];
}

export interface ExceptionInfo {
  ctx: Context;
  name: string;
  fields: Entry;
  comps: Entry;
  values: Entry[];
}

export const scalarEntry = (item: string): Entry => ({ isList: false, item, items: [] });
export const emptyEntry = (): Entry => ({ isList: false, item: '', items: [] });

const LIST_OPERATORS = ['in', 'intersects', 'pmatch'];
const MODIFIABLE = ['=', '==', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith',
  'glob', 'iglob', 'regex'];

/** `startswith oneof`, `contains allof`, …: a string operator with a list modifier. */
export function isModifiedOperator(op: string): boolean {
  const m = /^(\S+) (oneof|anyof|allof)$/.exec(op);
  return m !== null && MODIFIABLE.includes(m[1]!);
}

function isListOperator(op: string): boolean {
  return LIST_OPERATORS.includes(op) || isModifiedOperator(op);
}

const fail = (message: string, ctx: Context): never => {
  throw new LoadError('LOAD_ERR_VALIDATE', message, ctx);
};

/** Can `field` be the left side of a check for this source (a field, maybe transformed)? */
export function isValidLeftSide(field: string, catalog: FieldCatalog): boolean {
  try {
    compileCondition(parseCondition(`${field} exists`), catalog);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fills in default comps and checks fields and comps. Without a catalogue (the rule's
 * source is unknown) the fields are not checked.
 */
export function validateException(ex: ExceptionInfo, catalog: FieldCatalog | undefined): void {
  if (ex.fields.isList) {
    if (!isValid(ex.comps)) ex.comps = { isList: true, item: '', items: ex.fields.items.map(() => scalarEntry('=')) };
    if (ex.fields.items.length !== ex.comps.items.length) fail('Fields and comps lists must have equal length', ex.ctx);
    for (const c of ex.comps.items) {
      c.item = c.item.trim();
      if (!OPERATORS.includes(c.item) && !isModifiedOperator(c.item)) {
        fail(`'${c.item}' is not a supported comparison operator`, ex.ctx);
      }
    }
    if (catalog) {
      for (const f of ex.fields.items) {
        if (!isValidLeftSide(f.item, catalog)) fail(`'${f.item}' is not a supported filter field`, ex.ctx);
      }
    }
    return;
  }
  if (!isValid(ex.comps)) ex.comps = scalarEntry('in');
  if (ex.comps.isList) fail('Fields and comps must both be strings', ex.ctx);
  ex.comps.item = ex.comps.item.trim();
  if (!LIST_OPERATORS.includes(ex.comps.item) && !isModifiedOperator(ex.comps.item)) {
    fail('When fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator (e.g. startswith oneof)', ex.ctx);
  }
  if (catalog && !isValidLeftSide(ex.fields.item, catalog)) {
    fail(`'${ex.fields.item}' is not a supported filter field`, ex.ctx);
  }
}

function isValid(e: Entry): boolean {
  return e.isList ? e.items.length > 0 : e.item !== '';
}

/** Falco quotes a value only when it has a space and is not quoted already. */
export function quoteItem(v: string): string {
  return v.includes(' ') && v[0] !== '"' && v[0] !== "'" ? `"${v}"` : v;
}

function parenItem(v: string): string {
  return v[0] === '(' ? v : `(${v})`;
}

/**
 * The condition with its exceptions: `(cond)` followed by ` and not <clause>` for each
 * exception that has values. Also returns the fields the exceptions read.
 */
export function withExceptions(condition: string, exceptions: ExceptionInfo[]): { text: string; fields: Set<string> } {
  const fields = new Set<string>();
  let text = `(${condition})`;
  for (const ex of exceptions) {
    let clause = '';
    if (!ex.fields.isList) {
      const values: string[] = [];
      for (const v of ex.values) {
        if (v.isList) fail('Expected values array to contain a list of strings', ex.ctx);
        fields.add(ex.fields.item);
        values.push(quoteItem(v.item));
      }
      if (values.length > 0) clause = `(${ex.fields.item} ${ex.comps.item} (${values.join(', ')}))`;
    } else {
      const tuples: string[] = [];
      for (const tuple of ex.values) {
        if (ex.fields.items.length !== tuple.items.length) fail('Fields and values lists must have equal length', ex.ctx);
        const checks = ex.fields.items.map((field, k) => {
          const value = tuple.items[k]!;
          const comp = ex.comps.items[k]!.item;
          let rhs: string;
          if (value.isList) rhs = `(${value.items.map((i) => quoteItem(i.item)).join(', ')})`;
          else rhs = isListOperator(comp) ? parenItem(value.item) : quoteItem(value.item);
          fields.add(field.item);
          return ` ${field.item} ${comp} ${rhs}`;
        });
        tuples.push(`(${checks.join(' and ')})`);
      }
      if (tuples.length > 0) clause = `(${tuples.join(' or ')})`;
    }
    if (clause) text += ` and not ${clause}`;
  }
  return { text, fields };
}
