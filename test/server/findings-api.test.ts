import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type Service } from '../../src/server/index.js';
import { fingerprint, type Finding, type FindingKind } from '../../src/records/index.js';
import { DATABASES } from '../store/databases.js';
import { get, tempDir, testOptions, testParts } from './fixture.js';

function many(prefix: string, n: number, kind: FindingKind): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    fingerprint: fingerprint(kind, prefix, String(i)),
    kind,
    rule: `${kind}/test`,
    score: 5,
    title: 'Test finding',
    description: `${prefix}${i}`,
    resource: `${prefix}${i}`,
    subject: `${prefix}${i}`,
    status: 'open',
    firstSeen: '',
    lastSeen: '',
  }));
}

const namesOf = (fs: Finding[]) => fs.map((f) => f.resource);

interface Walk {
  names: string[];
  sizes: number[];
}

/** GET /api/findings?query, then each `next`, to the last page; `between` runs after each page but the last. */
async function walk(service: Service, query: string, between: (page: number) => Promise<void> = async () => {}): Promise<Walk> {
  const names: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await get(`${service.url}/api/findings?${query}${cursor === undefined ? '' : `&cursor=${cursor}`}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const page = res.body as { findings: Finding[]; next?: string };
    assert.deepEqual(Object.keys(page).sort(), page.next === undefined ? ['findings'] : ['findings', 'next']);
    names.push(...namesOf(page.findings));
    sizes.push(page.findings.length);
    if (page.next === undefined) return { names, sizes };
    assert.match(page.next, /^[\w-]+$/, 'a cursor needs no escaping in a URL');
    assert.ok(sizes.length < 1000, 'the walk ends');
    await between(sizes.length);
    cursor = page.next;
  }
}

for (const { kind, create } of DATABASES) {
  test(`${kind}: GET /api/findings pages newest first; following next gives every finding once, with filters, while findings are stored`, async (t) => {
    const { location, drop } = await create();
    t.after(drop);
    const service = await startService(testOptions(tempDir(t), { store: location }), testParts());
    t.after(() => service.close());
    const { findings: store } = service;
    const drift = many('a', 130, 'drift');
    const secrets = many('s', 70, 'secret');
    await store.reconcile('drift:aws:111122223333', drift, { now: '2026-11-01T00:00:00Z' });
    await store.reconcile('drift:aws:111122223333', drift.slice(20), { now: '2026-11-02T00:00:00Z' }); // a0…a19 fixed
    await store.reconcile('repo', secrets, { now: '2026-11-03T00:00:00Z' });
    const expected = [...namesOf(secrets), ...namesOf(drift)];

    // The default page is 100; the rest follows.
    const first = (await get(`${service.url}/api/findings`)).body as { findings: Finding[]; next: string };
    assert.deepEqual(namesOf(first.findings), expected.slice(0, 100));
    const second = (await get(`${service.url}/api/findings?cursor=${first.next}`)).body as { findings: Finding[]; next?: string };
    assert.deepEqual(namesOf(second.findings), expected.slice(100));
    assert.equal(second.next, undefined);
    assert.deepEqual(await walk(service, 'limit=1000'), { names: expected, sizes: [200] });

    // Findings stored, fixed and reopened between requests: none skipped, none repeated, the new ones not on later pages.
    const paged = await walk(service, 'limit=30', async (page) => {
      if (page === 2) await store.reconcile('repo', [...secrets, ...many('n', 15, 'secret')], { now: '2026-11-04T00:00:00Z' });
      if (page === 4) await store.reconcile('drift:aws:111122223333', drift, { now: '2026-11-05T00:00:00Z' }); // a0…a19 reopened
      if (page === 5) await store.reconcile('repo', [...secrets.slice(5), ...many('n', 15, 'secret')], { now: '2026-11-06T00:00:00Z' });
    });
    assert.deepEqual(paged, { names: expected, sizes: [30, 30, 30, 30, 30, 30, 20] });
    const now = [...namesOf(many('n', 15, 'secret')), ...expected];
    assert.deepEqual((await walk(service, 'limit=1000')).names, now);

    // Filters combine with paging: the same findings, in the same order, as the filter over everything.
    const all = (await get(`${service.url}/api/findings?limit=1000`)).body.findings as Finding[];
    const scopes = new Map([...drift.map((f) => [f.resource, 'drift:aws:111122223333']), ...[...secrets, ...many('n', 15, 'secret')].map((f) => [f.resource, 'repo'])] as Array<[string, string]>);
    for (const [query, matches] of [
      ['kind=drift', (f: Finding) => f.kind === 'drift'],
      ['kind=secret&status=open', (f: Finding) => f.kind === 'secret' && f.status === 'open'],
      ['status=fixed&scope=repo', (f: Finding) => f.status === 'fixed' && scopes.get(f.resource) === 'repo'],
      ['scope=drift:aws:111122223333&status=open&kind=drift', (f: Finding) => scopes.get(f.resource) === 'drift:aws:111122223333' && f.status === 'open'],
      ['scope=nowhere', () => false],
    ] as const) {
      const want = namesOf(all.filter(matches));
      for (const limit of [1, 9, 64]) {
        const { names, sizes } = await walk(service, `${query}&limit=${limit}`);
        assert.deepEqual(names, want, `${query}&limit=${limit}`);
        assert.equal(sizes.length, Math.max(1, Math.ceil(want.length / limit)), `${query}&limit=${limit}: ${sizes.join(' ')}`);
      }
    }
    assert.equal(all.filter((f) => f.status === 'fixed').length, 5);
    assert.equal((await walk(service, 'kind=drift&status=open&limit=50')).names.length, 130);
  });
}

test('GET /api/findings: a bad limit, cursor or filter is a 400 with one line naming the parameter', async (t) => {
  const service = await startService(testOptions(tempDir(t)), testParts());
  t.after(() => service.close());
  await service.findings.reconcile('repo', many('s', 3, 'secret'));
  const { next } = (await get(`${service.url}/api/findings?limit=1`)).body as { next: string };
  const alertCursor = Buffer.from('a:1').toString('base64url');
  const cases: Array<[string, string]> = [
    ['limit=0', 'limit: a whole number from 1 to 1000, not "0"'],
    ['limit=1001', 'limit: a whole number from 1 to 1000, not "1001"'],
    ['limit=-5', 'limit: a whole number from 1 to 1000, not "-5"'],
    ['limit=2.5', 'limit: a whole number from 1 to 1000, not "2.5"'],
    ['limit=', 'limit: a whole number from 1 to 1000, not ""'],
    ['limit=ten', 'limit: a whole number from 1 to 1000, not "ten"'],
    ['limit=99999999999999999999', 'limit: a whole number from 1 to 1000, not "99999999999999999999"'],
    ['limit=1&limit=2', 'limit: give it once'],
    ['cursor=xyz', 'cursor: not a cursor this server gave: "xyz"'],
    ['cursor=', 'cursor: not a cursor this server gave: ""'],
    [`cursor=${alertCursor}`, `cursor: not a cursor this server gave: "${alertCursor}"`],
    [`cursor=${next}%0A`, `cursor: not a cursor this server gave: "${next}\\n"`],
    [`cursor=${next}&cursor=${next}`, 'cursor: give it once'],
    ['kind=nonsense', 'kind: one of secret, drift, posture, trust, not "nonsense"'],
    ['status=closed&limit=5', 'status: one of open, fixed, accepted, not "closed"'],
    ['colour=red', 'unknown parameter: "colour" (known: kind, status, scope, limit, cursor)'],
    ['offset=10', 'unknown parameter: "offset" (known: kind, status, scope, limit, cursor)'],
  ];
  for (const [query, error] of cases) {
    const res = await get(`${service.url}/api/findings?${query}`);
    assert.equal(res.status, 400, query);
    assert.deepEqual(res.body, { error, reason: 'bad_query' }, query);
  }
  // A findings cursor is no alerts cursor either.
  assert.equal((await get(`${service.url}/api/alerts?cursor=${next}`)).status, 400);
  // And the good ones still work.
  const rest = (await get(`${service.url}/api/findings?kind=secret&limit=1000&cursor=${next}`)).body as { findings: Finding[]; next?: string };
  assert.deepEqual(namesOf(rest.findings), ['s1', 's2']);
});
