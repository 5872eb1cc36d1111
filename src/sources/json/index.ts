import { EVENT_TIME, FieldCatalog, PLUGIN_TYPES, type FieldDef, type Member } from '../../rules/fields.js';
import { jsonText, pathReader, type Source, type VigilEvent } from '../event.js';

/** RFC 6901: `/a/b~1c` → ['a', 'b/c']. */
export function parsePointer(pointer: string): string[] {
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  if (body === '') return [];
  return body.split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The reader of the value at one pointer, the pointer parsed once. */
function valueReader(pointer: string | undefined): (event: unknown) => string | undefined {
  if (pointer === undefined) return () => undefined;
  const read = pathReader(parsePointer(pointer));
  return (event) => jsonText(read((event as VigilEvent).data));
}

const valueReaders = new Map<string, (event: unknown) => string | undefined>();

function valueAt(event: unknown, pointer: string | undefined): string | undefined {
  if (pointer === undefined) return undefined;
  let read = valueReaders.get(pointer);
  if (!read) valueReaders.set(pointer, (read = valueReader(pointer)));
  return read(event);
}

function objectText(event: unknown): string {
  return JSON.stringify((event as VigilEvent).data, null, 2);
}

function rawTime(event: unknown): string | undefined {
  const e = event as VigilEvent;
  return e.timeDecimal ?? e.timeNs?.toString();
}

function field(name: string, description: string, extract: FieldDef['extract'], keyed = false): FieldDef {
  return {
    name,
    type: PLUGIN_TYPES.string!,
    isList: false,
    arg: keyed ? 'required' : 'none',
    argKind: keyed ? 'key' : 'none',
    description,
    extract,
  };
}

/** The member a pointer names (engine/members.ts decides whether it can read it from a raw line). */
function pointerMember(pointer: string | undefined): readonly Member[] | undefined {
  const keys = pointer === undefined ? [] : parsePointer(pointer);
  return keys.length > 0 ? [keys] : undefined;
}

const value: Pick<FieldDef, 'reader' | 'members'> = { reader: valueReader, members: pointerMember };
const time: Pick<FieldDef, 'members'> = { members: () => [EVENT_TIME] };

/** The json plugin's fields, which apply to the JSON payload of any source's events. */
export const jsonFields: FieldDef[] = [
  { ...field('json.value', 'A value of the event JSON, by JSON pointer: json.value[/a/b]', valueAt, true), ...value },
  field('json.obj', 'The whole event JSON as text', objectText),
  { ...field('json.rawtime', 'The event time in nanoseconds', rawTime), ...time },
  { ...field('jevt.value', 'Alias of json.value', valueAt, true), ...value },
  field('jevt.obj', 'Alias of json.obj', objectText),
  { ...field('jevt.rawtime', 'Alias of json.rawtime', rawTime), ...time },
];

export const jsonSource: Source = {
  name: 'json',
  description: 'Any JSON event; fields are read by JSON pointer',
  catalog: new FieldCatalog('json', jsonFields),
  frame: (doc) => {
    const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObject(doc)) return [doc];
    // A JSON array of objects is a batch of events.
    return Array.isArray(doc) && doc.every(isObject) ? doc : undefined;
  },
};
