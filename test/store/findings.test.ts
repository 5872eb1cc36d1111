import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFindingStore, openAlertStore, storeFindings, type FindingFilter, type FindingQuery, type FindingStore } from '../../src/store/index.js';
import { fingerprint, type Finding, type FindingKind } from '../../src/records/index.js';
import { openPostgresDb, openSqliteDb } from '../../src/store/alerts-db.js';
import { UserError } from '../../src/util/errors.js';
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

/** `n` findings of one kind named `prefix0` … (each its own subject). */
function many(prefix: string, n: number, kind: FindingKind = 'drift'): Finding[] {
  return Array.from({ length: n }, (_, i) => ({ ...finding(`${prefix}${i}`), kind, fingerprint: fingerprint(kind, prefix, String(i)) }));
}

/** Follows `next` from the first page to the last; `between` runs after each page but the last. */
async function walk(store: FindingStore, query: FindingQuery, between: (page: number) => Promise<void> = async () => {}): Promise<{ names: string[]; sizes: number[] }> {
  const names: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.query({ ...query, cursor });
    names.push(...page.findings.map((f) => f.resource));
    sizes.push(page.findings.length);
    if (page.next === undefined) return { names, sizes };
    assert.ok(sizes.length < 1000, 'the walk ends');
    await between(sizes.length);
    cursor = page.next;
  }
}

const namesOf = (fs: Finding[]) => fs.map((f) => f.resource);

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

  test(`${kind}: findings page newest first (as first stored); each comes exactly once though findings are stored, re-scanned, fixed and reopened between pages`, async (t) => {
    const { store } = await withStore(t);
    const drift = many('d', 150);
    const secrets = many('s', 100, 'secret');
    await store.reconcile('acct', drift, { now: '2026-11-01T00:00:00Z' });
    await store.reconcile('acct', drift.slice(0, 140), { now: '2026-11-02T00:00:00Z' }); // d140…d149 fixed
    await store.reconcile('repo', secrets, { now: '2026-11-03T00:00:00Z' });
    // The latest scan first; a scan's findings in the order it reported them.
    const expected = [...namesOf(secrets), ...namesOf(drift)];
    assert.deepEqual(namesOf(await store.list()), expected);

    const first = await store.query();
    assert.equal(first.findings.length, 100, 'the default limit');
    assert.equal(typeof first.next, 'string');
    assert.equal((await store.query({ limit: 1000 })).next, undefined, 'all 250 fit in the largest page');

    const { names, sizes } = await walk(store, { limit: 40 }, async (page) => {
      if (page === 1) {
        await store.reconcile('other', many('n', 10), { now: '2026-11-04T00:00:00Z' }); // new findings
        await store.reconcile('acct', [...drift.slice(0, 5), { ...drift[5]!, score: 10 }, ...drift.slice(6)], { now: '2026-11-04T00:00:00Z' }); // d140… reopened, first seen anew
      }
      if (page === 3) {
        await store.reconcile('repo', secrets.slice(10), { now: '2026-11-05T00:00:00Z' }); // s0…s9 fixed
        assert.equal(await store.setStatus(drift[100]!.fingerprint, 'accepted'), true);
      }
    });
    assert.deepEqual(names, expected, 'no finding skipped or repeated, none stored meanwhile on a later page');
    assert.deepEqual(sizes, [40, 40, 40, 40, 40, 40, 10]);

    const now = await store.list();
    assert.deepEqual(namesOf(now), [...namesOf(many('n', 10)), ...expected], 'the next walk starts with the new ones');
    const reopened = now.find((f) => f.resource === 'd145')!;
    assert.deepEqual([reopened.status, reopened.firstSeen], ['open', '2026-11-04T00:00:00Z'], 'reopened in place');
    assert.equal(now.find((f) => f.resource === 'd5')!.score, 10);
  });

  test(`${kind}: filters combine with paging`, async (t) => {
    const { store } = await withStore(t);
    await store.reconcile('acct', many('a', 120), { now: 't1' });
    await store.reconcile('repo', many('r', 90, 'secret'), { now: 't2' });
    await store.reconcile('acct', many('a', 120).slice(30), { now: 't3' }); // a0…a29 fixed
    await store.reconcile('acct2', many('b', 20), { now: 't4' });
    for (const f of many('r', 90, 'secret').filter((_, i) => i % 3 === 0)) await store.setStatus(f.fingerprint, 'accepted');
    const all = await walk(store, {});
    assert.equal(all.names.length, 230);
    const everything = await store.list();
    const filters: FindingFilter[] = [
      { kind: 'drift' },
      { kind: 'drift', status: 'open' },
      { scope: 'acct', status: 'fixed' },
      { kind: 'secret', status: 'accepted' },
      { kind: 'secret', status: 'open', scope: 'repo' },
      { kind: 'drift', scope: 'acct2', status: 'open' },
      { kind: 'secret', scope: 'acct' },
      { status: 'open' },
    ];
    for (const filter of filters) {
      const matches = (f: Finding) => Object.entries(filter).every(([k, v]) => (k === 'scope' ? scopeOf(f) === v : f[k as 'kind' | 'status'] === v));
      const expected = namesOf(everything.filter(matches));
      const { names, sizes } = await walk(store, { ...filter, limit: 7 });
      assert.deepEqual(names, expected, JSON.stringify(filter));
      assert.ok(sizes.slice(0, -1).every((n) => n === 7) && sizes.at(-1)! <= 7, `${JSON.stringify(filter)}: ${sizes.join(' ')}`);
      assert.deepEqual(namesOf(await store.list(filter)), expected);
    }
    assert.deepEqual(await store.query({ kind: 'secret', scope: 'acct' }), { findings: [] });
  });

  test(`${kind}: a limit out of range or a cursor this store did not give is a one-line UserError`, async (t) => {
    const { store } = await withStore(t);
    await store.reconcile('acct', many('a', 3));
    const { next } = await store.query({ limit: 1 });
    assert.deepEqual(namesOf((await store.query({ limit: 5, cursor: next })).findings), ['a1', 'a2']);
    const rejects = (query: FindingQuery, message: RegExp) => assert.rejects(store.query(query), (err: Error) => err instanceof UserError && message.test(err.message) && !err.message.includes('\n'));
    for (const limit of [0, -1, 1001, 2.5, NaN]) await rejects({ limit }, /^limit: a whole number from 1 to 1000, not /);
    const alertCursor = Buffer.from('a:5').toString('base64url');
    for (const cursor of ['', 'xyz', alertCursor, `${next}==`, Buffer.from('f:0').toString('base64url'), Buffer.from('f:1\n').toString('base64url'), 'x\ny']) {
      await rejects({ cursor }, /^cursor: not a cursor this server gave: "/);
    }
  });
}

/** The scope of a finding made by `many`, by the prefix of its resource (`scope` is not part of a finding). */
function scopeOf(f: Finding): string {
  return { a: 'acct', r: 'repo', b: 'acct2' }[f.resource[0]!]!;
}

// A store at schema version 3 (findings without seq) is numbered oldest first when migrated, then
// new findings follow. Versions 1–3 are marked applied by hand: only the findings table matters here.
for (const { kind, create } of DATABASES) {
  test(`${kind}: findings stored before they had an order are numbered by first seen, then fingerprint`, async (t) => {
    const { location, drop } = await create();
    t.after(drop);
    const db = kind === 'sqlite' ? openSqliteDb(location) : openPostgresDb(location);
    await db.exec(`
      CREATE TABLE vigil_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL);
      INSERT INTO vigil_migrations (version, applied_ms) VALUES (1, 0), (2, 0), (3, 0);
      CREATE TABLE findings (fingerprint TEXT PRIMARY KEY, scope TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, body TEXT NOT NULL, subject TEXT);`);
    const old = [finding('x'), finding('y'), finding('z'), finding('w')];
    const seen = ['t2', 't1', 't3', 't1'];
    for (const [i, f] of old.entries()) {
      await db.run('INSERT INTO findings (fingerprint, scope, kind, status, first_seen, last_seen, body, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        f.fingerprint, 'acct', 'drift', 'open', seen[i], seen[i], JSON.stringify(f), f.subject,
      ]);
    }
    await db.close();
    const store = await openFindingStore(location);
    t.after(() => store.close());
    const t1 = [finding('y'), finding('w')].sort((a, b) => (a.fingerprint < b.fingerprint ? 1 : -1)).map((f) => f.resource);
    assert.deepEqual(namesOf(await store.list()), ['z', 'x', ...t1]);
    await store.reconcile('acct', [...old, finding('v')], { now: 't4' });
    await store.reconcile('repo', [finding('u')], { now: 't0' }); // stored last, whatever its time says
    const { names } = await walk(store, { limit: 2 });
    assert.deepEqual(names, ['u', 'v', 'z', 'x', ...t1]);
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
