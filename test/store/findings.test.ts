import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFindingStore, openAlertStore, storeFindings, type FindingStore } from '../../src/store/index.js';
import { fingerprint, type Finding } from '../../src/records/index.js';
import { DATABASES } from './databases.js';

function finding(resource: string, score = 8, rule = 'bucket-public'): Finding {
  return {
    subject: `s3.bucket:${resource}`,
    fingerprint: fingerprint('drift', rule, resource),
    kind: 'drift',
    rule,
    score,
    title: 'Bucket became public',
    description: `${resource} is public`,
    resource,
    status: 'open',
    firstSeen: '',
    lastSeen: '',
  };
}

const resources = (fs: Finding[]) => fs.map((f) => `${f.resource} ${f.status}`).sort();

// The same behaviour on a real SQLite file and a real PostgreSQL database (one per test).
for (const { kind, create } of DATABASES) {
  async function withStore(t: { after: (fn: () => Promise<void>) => void }): Promise<{ store: FindingStore; location: string }> {
    const { location, drop } = await create();
    const store = await openFindingStore(location);
    t.after(async () => {
      await store.close().catch(() => {});
      await drop();
    });
    return { store, location };
  }

  test(`${kind}: findings are kept across opens; what a re-scan no longer sees is fixed, with first and last seen`, async (t) => {
    const { store, location } = await withStore(t);
    assert.equal(store.kind, kind);
    const first = await store.reconcile('acct', [finding('a'), finding('b')], { now: 't1' });
    assert.deepEqual({ ...first, raised: first.raised.map((f) => f.resource) }, { new: 2, open: 2, fixed: 0, raised: ['a', 'b'] });
    await store.close();

    const again = await openFindingStore(location); // migrations run once: reopening is a no-op
    t.after(() => again.close().catch(() => {}));
    const second = await again.reconcile('acct', [finding('a'), finding('a')], { now: 't2' });
    assert.deepEqual(second, { new: 0, open: 1, fixed: 1, raised: [] });
    const all = await again.list({ scope: 'acct' });
    assert.deepEqual(resources(all), ['a open', 'b fixed']);
    const a = all.find((f) => f.resource === 'a')!;
    assert.equal(a.firstSeen, 't1');
    assert.equal(a.lastSeen, 't2');
    assert.equal(a.description, 'a is public');
    assert.deepEqual((await again.list({ status: 'fixed' })).map((f) => f.resource), ['b']);

    // b comes back: new again (first seen anew); other scopes are untouched.
    assert.equal((await again.reconcile('acct', [finding('a'), finding('b')], { now: 't3' })).new, 1);
    assert.equal((await again.list({ status: 'open' })).find((f) => f.resource === 'b')!.firstSeen, 't3');
    assert.deepEqual(await again.reconcile('other', [], { now: 't3' }), { new: 0, open: 0, fixed: 0, raised: [] });
    assert.equal((await again.list({ status: 'open' })).length, 2);
    assert.deepEqual(await again.list({ kind: 'secret' }), []);
  });

  test(`${kind}: an accepted finding stays accepted when seen again`, async (t) => {
    const { store } = await withStore(t);
    await store.reconcile('repo', [finding('x')]);
    assert.equal(await store.setStatus(finding('x').fingerprint, 'accepted'), true);
    assert.equal(await store.setStatus('no-such-fingerprint', 'accepted'), false);
    assert.deepEqual(await store.reconcile('repo', [finding('x')]), { new: 0, open: 0, fixed: 0, raised: [] });
    assert.equal((await store.list())[0]!.status, 'accepted');
    // not seen any more: it is not open, so it is not "fixed" either
    assert.equal((await store.reconcile('repo', [])).fixed, 0);
  });

  test(`${kind}: a finding that scores higher than before is raised again; one subject of a scope is reconciled alone`, async (t) => {
    const { store } = await withStore(t);
    await store.reconcile('acct', [finding('a', 5), finding('b', 5), finding('c', 5, 'encryption-removed')]);
    const worse = await store.reconcile('acct', [finding('a', 9)], { subject: 's3.bucket:a' });
    assert.deepEqual(worse.raised.map((f) => [f.resource, f.score]), [['a', 9]]);
    assert.equal(worse.new, 0);
    // only c: a and b stay open although this reconcile does not report them
    const partial = await store.reconcile('acct', [], { subject: 's3.bucket:c' });
    assert.equal(partial.fixed, 1);
    assert.deepEqual(resources(await store.list({ scope: 'acct' })), ['a open', 'b open', 'c fixed']);
    assert.equal((await store.list({ scope: 'acct', status: 'open' })).find((f) => f.resource === 'a')!.score, 9);
  });

  test(`${kind}: thousands of findings in one scan, alerts and findings in the same database`, async (t) => {
    const { store, location } = await withStore(t);
    const many = Array.from({ length: 1200 }, (_, i) => finding(`r${i}`));
    assert.equal((await store.reconcile('big', many)).new, 1200);
    const half = await storeFindings(location, 'big', many.slice(0, 600));
    assert.deepEqual([half.new, half.open, half.fixed], [0, 600, 600]);
    const alerts = await openAlertStore(location);
    t.after(() => alerts.close());
    assert.deepEqual((await alerts.query()).alerts, []);
    assert.equal((await store.list({ scope: 'big', status: 'open' })).length, 600);
  });
}

test('a SQLite store written before findings had a migration is read as it is', async (t) => {
  const { create } = DATABASES.find((d) => d.kind === 'sqlite')!;
  const { location, drop } = await create();
  t.after(drop);
  const { default: Database } = await import('better-sqlite3');
  const old = new Database(location);
  old.exec(`CREATE TABLE findings (fingerprint TEXT PRIMARY KEY, scope TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, body TEXT NOT NULL)`);
  old.prepare('INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)').run(finding('old').fingerprint, 'acct', 'drift', 'open', 't0', 't0', JSON.stringify(finding('old')));
  old.close();
  const store = await openFindingStore(location);
  t.after(() => store.close());
  assert.deepEqual(await store.reconcile('acct', [finding('old')], { now: 't1' }), { new: 0, open: 1, fixed: 0, raised: [] });
  assert.equal((await store.list())[0]!.firstSeen, 't0');
});
