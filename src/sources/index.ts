import type { Source } from './event.js';
import { jsonSource } from './json/index.js';

export type { Source, VigilEvent } from './event.js';
export { own, atPath, jsonText } from './event.js';
export { jsonFields, parsePointer } from './json/index.js';
export { syscallCatalog } from './syscall/index.js';

/** Every source that evaluates events: one folder each, registered here. */
export const sources: Source[] = [jsonSource];

export function findSource(name: string): Source | undefined {
  return sources.find((s) => s.name === name);
}
