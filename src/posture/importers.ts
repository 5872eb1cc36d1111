import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import type { Snapshot } from './model.js';
import { loadSnapshot } from './snapshot.js';
import { importGcpAssets } from './gcp.js';

/** Offline sources of actual state, by format name. */
export const IMPORT_FORMATS: Record<string, (file: string) => Snapshot> = {
  vigil: (file) => loadSnapshot(file),
  'gcp-cai': (file) => importGcpAssets(file),
};

/** Reads a file in the given format, or guesses it from the first bytes. */
export function importInventory(file: string, format = 'auto'): Snapshot {
  const chosen = format === 'auto' ? guessFormat(file) : format;
  const importer = IMPORT_FORMATS[chosen];
  if (!importer) throw new UserError(`unknown inventory format "${format}" (${['auto', ...Object.keys(IMPORT_FORMATS)].join(', ')})`);
  return importer(file);
}

function guessFormat(file: string): string {
  let head: string;
  try {
    head = readFileSync(file, 'utf8').slice(0, 4096);
  } catch (err) {
    throw new UserError(`${file}: cannot read inventory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (/"(asset_type|assetType)"\s*:/.test(head)) return 'gcp-cai';
  return 'vigil';
}
