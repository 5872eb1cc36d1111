/** Every official rules file in the conformance corpus loads with no error, as published. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../../src/rules/index.js';
import { syscallCatalog, findSource } from '../../src/sources/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/conformance/falco');
const syscall = syscallCatalog();
const catalogs = (source: string) => (source === 'syscall' ? syscall : findSource(source)?.catalog);
/** Files that refine another one are loaded after it, as they are meant to be. */
const BASE: Record<string, string> = { 'k8s_audit_rules_gke.yaml': 'k8s_audit_rules.yaml' };

const files = existsSync(join(root, 'rules')) ? readdirSync(join(root, 'rules')).filter((f) => f.endsWith('.yaml')) : [];

test('the official rules files load with no error', { skip: files.length === 0 ? 'no conformance corpus' : false }, () => {
  for (const file of [...files, '../k8s_audit/rules/falco_rules.legacy-0.31.1.yaml']) {
    const chain = [BASE[file], file].filter((f): f is string => f !== undefined);
    const set = loadRules(chain.map((f) => ({ name: f, content: readFileSync(join(root, 'rules', f), 'utf8') })), { catalogs });
    assert.deepEqual(set.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`), [], file);
    // Plugin sources have no catalogue on this branch: their rules are skipped, not failed.
    for (const w of set.warnings) assert.notEqual(w.code, 'LOAD_UNKNOWN_FILTER', file);
  }
});
