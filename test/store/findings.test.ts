import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFindingStore } from '../../src/store/index.js';
import { fingerprint, type Finding } from '../../src/records/index.js';

function finding(resource: string): Finding {
  return {
    fingerprint: fingerprint('drift', 'bucket-public', resource),
    kind: 'drift',
    rule: 'bucket-public',
    score: 8,
    title: 'Bucket became public',
    description: `${resource} is public`,
    resource,
    status: 'open',
    firstSeen: '',
    lastSeen: '',
  };
}

test('a SQLite file keeps findings across opens; what a re-scan no longer sees is fixed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'vigil.db');

  let store = openFindingStore(path);
  assert.deepEqual(store.reconcile('acct', [finding('a'), finding('b')], 't1'), { new: 2, open: 2, fixed: 0 });
  store.close();

  store = openFindingStore(path);
  assert.deepEqual(store.reconcile('acct', [finding('a'), finding('a')], 't2'), { new: 0, open: 1, fixed: 1 });
  const all = store.list({ scope: 'acct' });
  assert.equal(all.length, 2);
  const a = all.find((f) => f.resource === 'a')!;
  assert.equal(a.status, 'open');
  assert.equal(a.firstSeen, 't1');
  assert.equal(a.lastSeen, 't2');
  assert.equal(store.list({ status: 'fixed' })[0]!.resource, 'b');

  // b comes back: new again; other scopes are untouched.
  assert.deepEqual(store.reconcile('acct', [finding('a'), finding('b')], 't3'), { new: 1, open: 2, fixed: 0 });
  assert.deepEqual(store.reconcile('other', [], 't3'), { new: 0, open: 0, fixed: 0 });
  assert.equal(store.list({ status: 'open' }).length, 2);
  store.close();
});

test('an accepted finding stays accepted when seen again', () => {
  const store = openFindingStore(':memory:');
  store.reconcile('repo', [finding('x')]);
  assert.ok(store.setStatus(finding('x').fingerprint, 'accepted'));
  assert.deepEqual(store.reconcile('repo', [finding('x')]), { new: 0, open: 0, fixed: 0 });
  assert.equal(store.list()[0]!.status, 'accepted');
  store.close();
});
