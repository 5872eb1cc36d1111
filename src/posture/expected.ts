/**
 * The expected state: Terraform states, declared inventories and baseline snapshots,
 * given as files or directories, merged into one list of resources plus the declarations.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { UserError } from '../util/errors.js';
import { resourceKey, type Resource } from './model.js';
import { EMPTY_DECLARED, loadDeclared, mergeDeclared, type DeclaredInventory } from './declared.js';
import { parseJson, readJsonFile, type LocatedJson } from './json.js';
import type { AwsCollectOptions } from './collect/aws.js';
import { checkSnapshot, isSnapshot } from './snapshot.js';
import { terraformResources } from './terraform.js';

export interface ExpectedState {
  /** By `type:id`. */
  resources: Map<string, Resource>;
  declared: DeclaredInventory;
  /** The files it was read from, in order. */
  sources: string[];
}

const STATE_FILE = /\.tfstate(\.json)?$|\.json$/;

export function emptyExpected(): ExpectedState {
  return { resources: new Map(), declared: EMPTY_DECLARED, sources: [] };
}

export function loadExpected(paths: string[]): ExpectedState {
  const expected = emptyExpected();
  for (const path of paths) addPath(expected, path);
  return expected;
}

/** The same, where a path may also be a Terraform S3 backend object (`s3://bucket/key`). */
export async function resolveExpected(paths: string[], aws: AwsCollectOptions = {}): Promise<ExpectedState> {
  const expected = emptyExpected();
  for (const path of paths) {
    if (!path.startsWith('s3://')) {
      addPath(expected, path);
      continue;
    }
    const { readS3Object } = await import('./collect/s3-object.js');
    expected.sources.push(path);
    addJson(expected, parseJson(await readS3Object(path, aws), path, 'expected state'));
  }
  return expected;
}

function addPath(expected: ExpectedState, path: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UserError(`${path}: no such file or directory (expected state)`);
  }
  if (isDir) {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      if (statSync(full).isDirectory() ? !entry.startsWith('.') : /\.(ya?ml)$|\.tfstate$/.test(entry)) addPath(expected, full);
    }
    return;
  }
  expected.sources.push(path);
  const ext = extname(path);
  if (ext === '.yaml' || ext === '.yml') {
    expected.declared = mergeDeclared(expected.declared, loadDeclared(path));
    return;
  }
  if (!STATE_FILE.test(path)) throw new UserError(`${path}: expected a Terraform state (.tfstate), a snapshot (.json) or a declared inventory (.yaml)`);
  addJson(expected, readJsonFile(path, 'expected state'));
}

function addJson(expected: ExpectedState, json: LocatedJson): void {
  const resources = isSnapshot(json.value) ? checkSnapshot(json).resources : terraformResources(json);
  for (const r of resources) expected.resources.set(resourceKey(r), r);
}
