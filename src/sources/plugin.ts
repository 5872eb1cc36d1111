/**
 * Building blocks for the platform catalogues (k8s_audit, aws_cloudtrail, github, okta,
 * gcp_auditlog): a field is declared once as a table entry whose reader is bound to its
 * argument once, so no argument is parsed while events flow.
 */
import { hostname } from 'node:os';
import { PLUGIN_TYPES, type FieldDef, type FieldValue, type Member, type Scalar } from '../rules/fields.js';
import { atPath, jsonText, own, pathReader, type Source, type VigilEvent } from './event.js';
import { isoNanos, parseTimeNanos } from '../engine/time.js';

export { pathReader };

/** Reads one field from an event's decoded JSON (and, for the few that need it, the event). */
export type Reader = (data: unknown, event: VigilEvent) => FieldValue;
/** Makes the reader for one argument value (undefined when the field is written without one). */
export type Binder = (arg: string | undefined) => Reader;

/** How far the extraction follows the upstream plugin. */
export interface ExtractionOptions {
  /**
   * Reproduce the upstream plugins' documented extraction bugs (ct.request.documentname never
   * set, gcp.policyDelta always "", okta.client.geo.lon always "0", …) instead of extracting
   * those fields correctly. Off by default.
   */
  falcoBugs?: boolean;
}

export interface FieldOptions {
  list?: boolean;
  /** The plugin's word for the type (see PLUGIN_TYPES); string by default. */
  type?: 'string' | 'uint64' | 'abstime';
  arg?: 'optional' | 'required';
  argKind?: 'index' | 'key';
}

export interface PluginField {
  name: string;
  description: string;
  bind: Binder;
  options: FieldOptions;
}

export function field(name: string, description: string, bind: Binder, options: FieldOptions = {}): PluginField {
  return { name, description, bind, options };
}

/** A list field whose optional index argument selects one element: containers[i], rules[i]. */
export function indexed(name: string, description: string, bind: Binder): PluginField {
  return field(name, description, bind, { list: true, arg: 'optional', argKind: 'index' });
}

/**
 * Binders whose values are read from one member of the event's JSON, as written when a string
 * (FieldDef.verbatim and FieldDef.members), with that member's path.
 */
const ONE_MEMBER = new WeakMap<Binder, readonly string[]>();
function verbatim(bind: Binder, member: readonly string[]): Binder {
  ONE_MEMBER.set(bind, member);
  return bind;
}

/**
 * Turns table entries into catalogue fields. `applies` is checked before every read: when it
 * says no (a k8s event without auditID), every field of the source is absent. `appliesReads`
 * are the members it reads; without them, no field says which members it reads.
 */
export function toFieldDefs(fields: PluginField[], applies?: (data: unknown) => boolean, appliesReads?: readonly Member[]): FieldDef[] {
  const appliesTo = applies && lastAnswer(applies);
  const extra = applies ? appliesReads : [];
  return fields.map(({ name, description, bind, options }) => {
    const member = ONE_MEMBER.get(bind);
    // An event reader per argument, made once: the source's check first, then the field's reader.
    const eventReader = (arg: string | undefined): ((event: unknown) => FieldValue) => {
      if (arg === undefined && options.arg === 'required') return () => undefined;
      const read = bind(arg);
      if (!appliesTo) return (event) => read((event as VigilEvent).data, event as VigilEvent);
      return (event) => {
        const ev = event as VigilEvent;
        return appliesTo(ev.data) ? read(ev.data, ev) : undefined;
      };
    };
    const plain = eventReader(undefined);
    const byArg = new Map<string, (event: unknown) => FieldValue>();
    const reader = (arg: string | undefined) => {
      if (arg === undefined) return plain;
      let r = byArg.get(arg);
      if (!r) byArg.set(arg, (r = eventReader(arg)));
      return r;
    };
    return {
      name,
      type: PLUGIN_TYPES[options.type ?? 'string']!,
      isList: options.list ?? false,
      arg: options.arg ?? 'none',
      argKind: options.argKind ?? 'none',
      verbatim: member !== undefined,
      members: member && extra ? () => [member, ...extra] : undefined,
      description,
      extract: (event, arg) => reader(arg)(event),
      reader,
    };
  });
}

/** A test that answers again for the same event without asking: every field of an event asks it. */
function lastAnswer(test: (data: unknown) => boolean): (data: unknown) => boolean {
  let last: unknown;
  let answer = false;
  return (data) => {
    if (data !== last) {
      last = data;
      answer = test(data);
    }
    return answer;
  };
}

// ---- paths and values

/** `a.b.c` → ['a', 'b', 'c']; pass an array when a key itself holds dots. */
export type PathSpec = string | readonly string[];
export function path(p: PathSpec): readonly string[] {
  return typeof p === 'string' ? p.split('.') : p;
}

export function at(data: unknown, p: readonly string[]): unknown {
  return atPath(data, p);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses an index argument once; undefined when no argument was given. */
export function indexArg(arg: string | undefined): number | undefined {
  return arg === undefined ? undefined : Number(arg);
}

/** The elements of an array, or only element [i] (none when out of range). */
export function pick<T>(arr: readonly T[], index: number | undefined): readonly T[] {
  if (index === undefined) return arr;
  return index < arr.length ? [arr[index]!] : [];
}

/** A JSON value as text: strings raw, anything else compact JSON (the k8saudit convention). */
export function text(p: PathSpec): Binder {
  const member = path(p);
  const valueOf = pathReader(member);
  return verbatim(() => (data) => jsonText(valueOf(data)), member);
}

/** The value at a path as text, "" when missing or null: plugins that decode into Go structs. */
export function textOrEmpty(p: PathSpec): Binder {
  const member = path(p);
  const valueOf = pathReader(member);
  return verbatim(() => (data) => {
    const v = valueOf(data);
    return v === undefined || v === null ? '' : jsonText(v)!;
  }, member);
}

/**
 * A value read as a Go string would be: a string raw, any other JSON value present but "".
 * With correct extraction (exact = false) other values are compact JSON instead.
 */
export function goString(p: PathSpec, exact: boolean): Binder {
  const member = path(p);
  const valueOf = pathReader(member);
  return verbatim(() => (data) => {
    const v = valueOf(data);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    return exact ? '' : JSON.stringify(v);
  }, member);
}

/** Every element of the array at a path as text; absent when it is not an array. */
export function textList(p: PathSpec): Binder {
  const valueOf = pathReader(path(p));
  return (arg) => {
    const index = indexArg(arg);
    return (data) => {
      const v = valueOf(data);
      return Array.isArray(v) ? pick(v, index).map((x) => jsonText(x)!) : undefined;
    };
  };
}

/** A list, or no value when it is empty (as libsinsp treats an empty list). */
export function nonEmpty(values: Scalar[]): Scalar[] | undefined {
  return values.length > 0 ? values : undefined;
}

export { own, jsonText };

/** RFC 3339 time (up to nanoseconds) of an event member, in nanoseconds since the epoch. */
export function rfc3339Ns(v: unknown): bigint | undefined {
  return typeof v === 'string' ? parseTimeNanos(v) : undefined;
}

/** A source's `time` and `timeText`, read from the RFC 3339 time in one member of the event. */
export function timeIn(key: string): Required<Pick<Source, 'time' | 'timeText' | 'timeKey'>> {
  const read = pathReader([key]);
  return {
    timeKey: key,
    time: (event) => rfc3339Ns(read(event)),
    timeText: (event) => {
      const v = read(event);
      return typeof v === 'string' ? v : undefined;
    },
  };
}

// ---- the event fields libsinsp gives every plugin source (evt.*)

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `hh:mm:ss`, `YYYY-MM-DD`, and the nanoseconds, in UTC. */
function timeParts(ns: bigint): { date: string; time: string; nanos: string } {
  const d = new Date(Number(ns / 1_000_000n));
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    nanos: pad(Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n), 9),
  };
}

function timeField(name: string, description: string, render: (p: ReturnType<typeof timeParts>) => string): PluginField {
  return field(name, description, () => (_data, event) => (event.timeNs === undefined ? undefined : render(timeParts(event.timeNs))));
}

/** PT_ABSTIME is numeric; above 2^53 a JS number keeps about 0.25 µs of precision. */
function rawTime(name: string, description: string, part: (ns: bigint) => bigint): PluginField {
  return field(name, description, () => (_d, e) => (e.timeNs === undefined ? undefined : Number(part(e.timeNs))), { type: 'abstime' });
}

/**
 * The `evt.*` fields Falco offers on every plugin source: number, time, source, plugin and
 * its one-line summary (`info`: the plugin field marked as such, e.g. ct.info).
 */
export function eventFields(plugin: string, info?: PluginField): FieldDef[] {
  const infoReader = info?.bind(undefined);
  return toFieldDefs([
    field('evt.num', 'event number.', () => (_d, e) => e.num, { type: 'uint64' }),
    timeField('evt.time', 'event timestamp as a time string that includes the nanosecond part.', (p) => `${p.time}.${p.nanos}`),
    timeField('evt.time.s', 'event timestamp as a time string with no nanoseconds.', (p) => p.time),
    field('evt.time.iso8601', 'event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC).', () => (_d, e) => (e.timeNs === undefined ? undefined : isoNanos(e.timeNs))),
    timeField('evt.datetime', 'event timestamp as a time string that includes the date.', (p) => `${p.date} ${p.time}.${p.nanos}`),
    timeField('evt.datetime.s', 'event timestamp as a datetime string with no nanoseconds.', (p) => `${p.date} ${p.time}`),
    rawTime('evt.rawtime', 'absolute event timestamp, i.e. nanoseconds from epoch.', (ns) => ns),
    rawTime('evt.rawtime.s', 'integer part of the event timestamp (e.g. seconds since epoch).', (ns) => ns / 1_000_000_000n),
    rawTime('evt.rawtime.ns', 'fractional part of the absolute event timestamp.', (ns) => ns % 1_000_000_000n),
    field('evt.pluginname', 'if the event comes from a plugin-defined event source, the name of the plugin that generated it.', () => () => plugin),
    field('evt.plugininfo', 'if the event comes from a plugin-defined event source, a summary of the event as formatted by the plugin.', () => (data, e) => infoReader?.(data, e)),
    field('evt.source', 'the name of the source that produced the event.', () => (_d, e) => e.source),
    field('evt.hostname', 'the hostname of the underlying host (FALCO_HOSTNAME or VIGIL_HOSTNAME overrides it).', () => () => hostName()),
  ]);
}

let host: string | undefined;
function hostName(): string {
  return (host ??= process.env.VIGIL_HOSTNAME ?? process.env.FALCO_HOSTNAME ?? hostname());
}
