/**
 * Field catalogues are data: every source declares its fields (name, type, argument rules,
 * list-valued or not) and how each is read from an event. Types use libsinsp's names
 * (PT_CHARBUF, PT_UINT64, …) because the operators a field allows follow from them.
 */

/** A value a field yields for one event. Lists are arrays; a missing value is `undefined`. */
export type Scalar = string | number | boolean | Buffer;
export type FieldValue = Scalar | Scalar[] | undefined;

/**
 * A member of an event's JSON that a field reads: a path of object keys from the event's root,
 * or EVENT_TIME, the member its source takes the event's time from (Source.timeKey).
 */
export type Member = readonly string[] | typeof EVENT_TIME;
export const EVENT_TIME = 'event time';

export type ArgRule = 'none' | 'optional' | 'required';
export type ArgKind = 'none' | 'index' | 'key' | 'index_or_key';

export interface FieldDef {
  name: string;
  /** libsinsp type name: PT_CHARBUF, PT_UINT64, PT_BOOL, PT_IPADDR, … */
  type: string;
  isList: boolean;
  arg: ArgRule;
  argKind: ArgKind;
  /** The argument may also be written as a dotted suffix: `evt.arg.flags`, `evt.abspath.src`. */
  dottedArg?: boolean;
  /** Cannot appear on the right-hand side (in `val()`) nor take the left of one. */
  noRhs?: boolean;
  noTransformer?: boolean;
  /** Holds both endpoints of a connection: `=`/`in` match either, `!=` neither (fd.ip, fd.net). */
  eitherEndpoint?: boolean;
  description: string;
  /**
   * Each value is a string of the event's JSON as written (or a scalar's JSON text), so a raw
   * line without escapes holds the text of any string value it has (see engine/prefilter.ts).
   */
  verbatim?: boolean;
  /**
   * The members the value is read from, for an argument: two events that have the same JSON
   * scalars at these paths (or lack them alike) give the same value. Undefined when the field
   * reads more than that (see engine/members.ts, which reads just these from a raw line).
   */
  members?: (arg: string | undefined) => readonly Member[] | undefined;
  /** Reads the field from an event; absent for catalogues that only type-check (syscall). */
  extract?: (event: unknown, arg: string | undefined) => FieldValue;
  /** The same reader with its argument bound once, when the field can make one (faster). */
  reader?: (arg: string | undefined) => (event: unknown) => FieldValue;
}

/** A field's reader with its argument bound (once, when the field can bind it); undefined when it cannot be read. */
export function fieldReader(def: FieldDef, arg: string | undefined): ((event: unknown) => FieldValue) | undefined {
  const extract = def.extract;
  if (!extract) return undefined;
  return def.reader?.(arg) ?? ((event) => extract(event, arg));
}

/** The fields of one event source, with name resolution as libsinsp does it. */
export class FieldCatalog {
  private readonly byName = new Map<string, FieldDef>();

  constructor(
    readonly source: string,
    fields: FieldDef[],
    /** Does this source evaluate events, or only check rules written for it? */
    readonly evaluates: boolean = fields.some((f) => f.extract !== undefined),
  ) {
    for (const f of fields) this.byName.set(f.name, f);
  }

  get fields(): FieldDef[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.resolve(name, undefined) !== undefined;
  }

  /**
   * Finds the field a name (and optional bracket argument) refers to, turning a dotted
   * suffix into the argument. Undefined when the name is not a field of this source or the
   * argument does not fit it.
   */
  resolve(name: string, arg: string | undefined): { def: FieldDef; arg: string | undefined } | undefined {
    const exact = this.byName.get(name);
    if (exact) return argumentFits(exact, arg) ? { def: exact, arg } : undefined;
    if (arg !== undefined) return undefined;
    for (let cut = name.lastIndexOf('.'); cut > 0; cut = name.lastIndexOf('.', cut - 1)) {
      const def = this.byName.get(name.slice(0, cut));
      if (def?.dottedArg) {
        const suffix = name.slice(cut + 1);
        return suffix.length > 0 ? { def, arg: suffix } : undefined;
      }
      if (def) return undefined;
    }
    return undefined;
  }
}

function argumentFits(def: FieldDef, arg: string | undefined): boolean {
  if (arg === undefined) return def.arg !== 'required';
  if (def.arg === 'none') return false;
  if (def.argKind === 'index') return /^[0-9]+$/.test(arg);
  return arg.length > 0;
}

/** Type families decide which operators apply (libsinsp filter_compare.cpp flt_is_comparable). */
export type TypeFamily = 'numeric' | 'bool' | 'string' | 'buffer' | 'ip' | 'net' | 'other';

const FAMILY: Record<string, TypeFamily> = {
  PT_BOOL: 'bool',
  PT_CHARBUF: 'string',
  PT_FSPATH: 'string',
  PT_FSRELPATH: 'string',
  PT_BYTEBUF: 'buffer',
  PT_IPV4ADDR: 'ip',
  PT_IPV6ADDR: 'ip',
  PT_IPADDR: 'ip',
  PT_IPV4NET: 'net',
  PT_IPV6NET: 'net',
  PT_IPNET: 'net',
};
const NUMERIC = /^PT_(U?INT(8|16|32|64)|ERRNO|FD|PID|SYSCALLID|SIGTYPE|PORT|(ENUM)?FLAGS(8|16|32)|MODE|DOUBLE|RELTIME|ABSTIME)$/;

export function typeFamily(type: string): TypeFamily {
  return FAMILY[type] ?? (NUMERIC.test(type) ? 'numeric' : 'other');
}

const OPS_BY_FAMILY: Record<TypeFamily, string[]> = {
  numeric: ['=', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists'],
  bool: ['=', '!=', 'in', 'intersects', 'exists'],
  string: ['=', '!=', '<', '<=', '>', '>=', 'contains', 'in', 'exists', 'icontains', 'startswith', 'glob', 'pmatch',
    'endswith', 'intersects', 'iglob', 'regex'],
  buffer: ['=', '!=', 'contains', 'in', 'exists', 'startswith', 'endswith', 'intersects', 'bcontains', 'bstartswith'],
  ip: ['=', '!=', 'in', 'exists', 'intersects'],
  net: ['=', '!=', 'in', 'exists', 'intersects'],
  other: ['exists'],
};
const LIST_TYPES = new Set(['PT_CHARBUF', 'PT_UINT64', 'PT_RELTIME', 'PT_ABSTIME', 'PT_BOOL', 'PT_IPADDR', 'PT_IPNET']);
const LIST_OPS = ['in', 'exists', 'intersects'];

const FAMILY_WORDS: Record<TypeFamily, string> = {
  numeric: 'numeric',
  bool: 'numeric',
  string: 'string',
  buffer: 'buffer',
  ip: 'ip address and network',
  net: 'ip address and network',
  other: 'this type of',
};

/** Why `op` does not apply to a value of this type, or undefined when it does. */
export function operatorMismatch(op: string, type: string, isList: boolean): string | undefined {
  const base = op === '==' ? '=' : op;
  if (isList) {
    if (LIST_TYPES.has(type) && LIST_OPS.includes(base)) return undefined;
    return `'${op}' operator not supported list filters`;
  }
  const family = typeFamily(type);
  if (OPS_BY_FAMILY[family].includes(base)) return undefined;
  return `'${op}' operator not supported for ${FAMILY_WORDS[family]} filters`;
}

/** Plugin field tables name their types in words; these are the libsinsp equivalents. */
export const PLUGIN_TYPES: Record<string, string> = {
  string: 'PT_CHARBUF',
  uint64: 'PT_UINT64',
  bool: 'PT_BOOL',
  reltime: 'PT_RELTIME',
  abstime: 'PT_ABSTIME',
  ipaddr: 'PT_IPADDR',
  ipnet: 'PT_IPNET',
};
