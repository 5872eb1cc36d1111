import type { FieldCatalog } from '../rules/fields.js';
import { decimalNanos } from '../engine/time.js';

/** One event as the engine sees it: the decoded JSON payload and when it happened. */
export interface VigilEvent {
  /** The event source it belongs to: `k8s_audit`, `aws_cloudtrail`, `json`, … */
  source: string;
  /** The decoded JSON document of this one event. */
  data: unknown;
  /** Event time in nanoseconds since the epoch, when the source knows it. */
  timeNs?: bigint;
  /** The same in decimal, when the event can tell it more cheaply than timeNs.toString(). */
  readonly timeDecimal?: string;
  /** Where it came from (file:line, byte offset, HTTP request), for messages. */
  origin?: string;
  /** Its number in the stream it was read from, from 1 (evt.num). */
  num?: number;
}

/**
 * An event source: its fields and how its events are recognised and framed. A new source
 * is one folder under src/sources/ with an index.ts exporting one of these, registered in
 * src/sources/index.ts.
 */
export interface Source {
  name: string;
  description: string;
  /** Every field a rule for this source may use, with its extractor. */
  catalog: FieldCatalog;
  /**
   * Splits one decoded JSON document into this source's events (an EventList into its
   * items, a CloudTrail file into its Records), or undefined when it is not this source's.
   */
  frame(doc: unknown): unknown[] | undefined;
  /** The event's time in nanoseconds, when the event says it. */
  time?(event: unknown): bigint | undefined;
  /** The event's time as it says it (RFC 3339), when `time` reads it from there. */
  timeText?(event: unknown): string | undefined;
  /** The top-level member `time` and `timeText` read, and nothing else. */
  timeKey?: string;
  /**
   * Members that decide, with nothing else, that a document is one event (`frame` gives it
   * back alone): `kind` for Kubernetes. Lines can then be judged from a few members (members.ts).
   */
  frameMembers?: ReadonlyArray<readonly string[]>;
  /**
   * The field that names an event's type (`ct.name`, `ka.verb`): the engine indexes rules
   * by the values their conditions require of it, as Falco indexes by evt.type.
   */
  typeField?: string;
  /**
   * The member of an event's JSON whose string value typeField reads as it is (`verb`,
   * `eventName`): lines can then be proven not to match without being parsed (see prefilter.ts).
   */
  typeKey?: string;
}

/**
 * The data of an event whose JSON line was proven unable to match any rule and so was not
 * parsed (see engine/prefilter.ts): it counts as an event, and the engine passes it by.
 */
export const UNREAD: unique symbol = Symbol('unread');

/** Object key lookup that never reads inherited properties. */
export function own(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Follows a dotted path (`user.username`, `objectRef.resource`) through objects. */
export function atPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (Array.isArray(cur) && /^[0-9]+$/.test(key)) cur = cur[Number(key)];
    else cur = own(cur, key);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Keys read by name in generated code: identifiers that no object inherits (not `constructor`, `__proto__`, …). */
const NAMED_KEY = /^[A-Za-z_$][\w$]*$/;
const namedKey = (key: string) => NAMED_KEY.test(key) && !(key in Object.prototype);

/**
 * atPath for one path, made once. A path of plain names is read by a generated function
 * (`o.user.username`, each step checked to be an object) whose property reads V8 caches per
 * site, where one shared keyed lookup (own) cannot be; other paths go through atPath.
 * Decoded JSON inherits only Object.prototype's members, which namedKey excludes, so a named
 * read finds own members only, as own does.
 */
export function pathReader(path: readonly string[]): (data: unknown) => unknown {
  if (path.length === 0 || path.length > 4 || !path.every(namedKey)) return (data) => atPath(data, path);
  const steps = path.map((key) => `if (o === null || typeof o !== 'object') return undefined; o = o.${key};`);
  // Only keys that are identifiers (checked above) are written into the code.
  return new Function('data', `let o = data; ${steps.join(' ')} return o;`) as (data: unknown) => unknown;
}

/** A JSON value as plugins render it: strings raw, anything else as compact JSON text. */
export function jsonText(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Where an event was read: a document of the input (see framing). */
export interface EventPlace {
  readonly origin: string;
}

/**
 * An event read from input: its time is parsed, and its origin spelled out, only when
 * something asks for them (an alert, a `*.rawtime` field), since most events raise nothing.
 */
export class SourceEvent implements VigilEvent {
  private parsedTime: bigint | undefined | null = null;
  private decimal: string | undefined | null = null;

  constructor(
    private readonly of: Source,
    readonly data: unknown,
    private readonly place: EventPlace | string,
    readonly num: number,
    /** Its index in its document, when the document holds several events. */
    private readonly index?: number,
  ) {}

  get source(): string {
    return this.of.name;
  }

  get origin(): string {
    const origin = typeof this.place === 'string' ? this.place : this.place.origin;
    return this.index === undefined ? origin : `${origin} [${this.index}]`;
  }

  get timeNs(): bigint | undefined {
    if (this.parsedTime === null) this.parsedTime = this.of.time?.(this.data);
    return this.parsedTime;
  }

  get timeDecimal(): string | undefined {
    if (this.decimal === null) {
      const text = this.of.timeText?.(this.data);
      this.decimal = text !== undefined ? decimalNanos(text) : this.timeNs?.toString();
    }
    return this.decimal;
  }
}
