import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCondition, EvalContext, parseCondition, SlotTable } from '../../src/rules/condition/index.js';
import type { FieldValue } from '../../src/rules/fields.js';
import { readInputs, toEvents, InputError, type Source, type VigilEvent } from '../../src/sources/index.js';

/** The project root, from dist/test/sources/. */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const shared = (path: string) => fileURLToPath(new URL(`../../../../shared/${path}`, import.meta.url));

/** The upstream field table of one plugin, as the conformance corpus records it. */
export interface UpstreamField {
  name: string;
  type: string;
  is_list: boolean;
  arg: string;
  arg_kind: string | null;
  description: string;
}
export function upstreamFields(source: string): UpstreamField[] {
  return JSON.parse(readFileSync(shared(`conformance/falco/fields/${source}/fields.json`), 'utf8')).fields;
}

export function event(source: Source, data: unknown): VigilEvent {
  return { source: source.name, data, timeNs: source.time?.(data) };
}

/** A field's value as a condition sees it (an empty list is no value). */
export function value(source: Source, ev: VigilEvent | unknown, name: string, arg?: string): FieldValue {
  const e = isEvent(ev) ? ev : event(source, ev);
  const resolved = source.catalog.resolve(name, arg);
  if (!resolved) throw new Error(`${name}${arg === undefined ? '' : `[${arg}]`} is not a field of ${source.name}`);
  const v = resolved.def.extract!(e, resolved.arg);
  return Array.isArray(v) && v.length === 0 ? undefined : v;
}

function isEvent(v: unknown): v is VigilEvent {
  return typeof v === 'object' && v !== null && 'source' in v && 'data' in v;
}

/** Compiles a condition against the source's catalogue and evaluates it on one event. */
export function holds(source: Source, condition: string, ev: VigilEvent | unknown): boolean {
  const slots = new SlotTable();
  const { filter } = compileCondition(parseCondition(condition), source.catalog, { slots });
  const ctx = new EvalContext(slots);
  ctx.reset(isEvent(ev) ? ev : event(source, ev));
  return filter(ctx);
}

/** Every event (and input error) read from files with one source. */
export async function readAll(source: Source, ...paths: string[]): Promise<{ events: VigilEvent[]; errors: InputError[] }> {
  const events: VigilEvent[] = [];
  const errors: InputError[] = [];
  for await (const item of toEvents(readInputs(paths), source)) {
    if (item instanceof InputError) errors.push(item);
    else events.push(item);
  }
  return { events, errors };
}
