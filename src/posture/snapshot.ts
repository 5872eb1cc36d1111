import { writeFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { INVENTORY_SCHEMA } from './schema.js';
import { SNAPSHOT_SCHEMA, type Snapshot, type Resource } from './model.js';
import { parseJson, readJsonFile, type LocatedJson } from './json.js';
import { validator } from './validate.js';

const validate = validator<Snapshot>(INVENTORY_SCHEMA, 'snapshot');

/** Reads and validates a snapshot file; a bad one is a UserError naming file:line:column. */
export function loadSnapshot(file: string): Snapshot {
  return checkSnapshot(readJsonFile(file, 'inventory snapshot'));
}

export function parseSnapshot(text: string, file = '<snapshot>'): Snapshot {
  return checkSnapshot(parseJson(text, file, 'inventory snapshot'));
}

/** True when a parsed JSON value looks like a snapshot (as opposed to Terraform state). */
export function isSnapshot(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'schema' in value && 'resources' in value;
}

export function checkSnapshot(json: LocatedJson): Snapshot {
  const value = json.value as { schema?: unknown };
  if (typeof value === 'object' && value !== null && typeof value.schema === 'string' && value.schema !== SNAPSHOT_SCHEMA) {
    throw new UserError(
      `${json.at(['schema'])}: unsupported snapshot schema "${value.schema}" (this vigil reads ${SNAPSHOT_SCHEMA})`,
    );
  }
  const snapshot = validate(value, json.at);
  const seen = new Map<string, number>();
  snapshot.resources.forEach((r, i) => {
    const key = `${r.type}:${r.id}`;
    if (seen.has(key)) {
      throw new UserError(`${json.at(['resources', i, 'id'])}: duplicate resource ${key} (first at resources[${seen.get(key)}])`);
    }
    seen.set(key, i);
  });
  return snapshot;
}

export function newSnapshot(init: Omit<Snapshot, 'schema' | 'resources'>, resources: Resource[] = []): Snapshot {
  return { schema: SNAPSHOT_SCHEMA, ...init, resources: sortResources(resources) };
}

/** Stable order (type, then id) so two snapshots of the same account diff line by line. */
export function sortResources(resources: Resource[]): Resource[] {
  return [...resources].sort((a, b) => (a.type === b.type ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.type < b.type ? -1 : 1));
}

export function snapshotJson(snapshot: Snapshot): string {
  return JSON.stringify({ ...snapshot, resources: sortResources(snapshot.resources) }, null, 2) + '\n';
}

export function writeSnapshot(file: string, snapshot: Snapshot): void {
  writeFileSync(file, snapshotJson(snapshot));
}
