import { test } from 'node:test';
import assert from 'node:assert/strict';
import { githubAuditPoller, nextLink, oktaPoller } from '../../src/pollers/index.js';
import { fixture, GithubAuditServer, OktaServer } from './api-servers.js';
import { runPollers, testStore } from './helpers.js';

const TOKEN = 'test-token-00Abc';
const DAY_MS = 86_400_000;

function okta(url: string) {
  return oktaPoller('okta', { url, token: TOKEN, lookbackMs: 365 * DAY_MS, limit: 4, maxRateLimitWaitMs: 5_000 });
}

function github(url: string) {
  return githubAuditPoller('github-audit', { organization: 'acme', url, token: TOKEN, lookbackMs: 3 * 365 * DAY_MS, perPage: 2, maxRateLimitWaitMs: 5_000 });
}

const uuids = (events: { data: unknown }[]) => events.map((e) => (e.data as { uuid: string }).uuid);
const docIds = (events: { data: unknown }[]) => events.map((e) => (e.data as { _document_id: string })._document_id);

test('Link headers: the next target, resolved, among other relations', () => {
  assert.equal(nextLink('<https://x/a?after=1>; rel="self", <https://x/a?after=2>; rel="next"', 'https://x/a'), 'https://x/a?after=2');
  assert.equal(nextLink('</a?after=3>; rel="next"', 'https://x/a'), 'https://x/a?after=3');
  assert.equal(nextLink('<https://x/a>; rel="self"', 'https://x/a'), undefined);
  assert.equal(nextLink(null, 'https://x/a'), undefined);
});

test('Okta System Log: pages by Link, waits out a 429, and resumes from its cursor after a restart', async (t) => {
  const events = fixture<Array<{ uuid: string; published: string }>>('okta-system-log.json');
  const server = new OktaServer(events.slice(0, 9), TOKEN);
  const url = await server.start();
  t.after(() => server.close());
  server.limited.add(1);
  const store = await testStore(t);

  const first = await runPollers(store, [okta(url)], { until: (r) => r.running[0]!.stats.events >= 4 });
  assert.ok(first.runner.running[0]!.stats.retries >= 1, 'the 429 was retried');
  const second = await runPollers(store, [okta(url)]);
  assert.deepEqual([...uuids(first.events), ...uuids(second.events)], events.slice(0, 9).map((e) => e.uuid));
  const resumed = server.requests[server.requests.length - (second.runner.running[0]!.stats.reads)];
  assert.ok(resumed?.searchParams.get('after'), 'the restart asked for the page after its checkpoint');
  assert.equal(server.requests[0]!.searchParams.get('sortOrder'), 'ASCENDING');

  // Later events: the next round reads only those, from the cursor of the last (empty) page.
  server.events.push(...events.slice(9));
  const third = await runPollers(store, [okta(url)]);
  assert.deepEqual(uuids(third.events), events.slice(9).map((e) => e.uuid));
  assert.ok(third.events.every((e) => e.source === 'okta' && e.timeNs !== undefined));
});

test('Okta down: the poller backs off, then resumes from its checkpoint', async (t) => {
  const events = fixture<Array<{ uuid: string; published: string }>>('okta-system-log.json');
  const server = new OktaServer(events, TOKEN);
  const url = await server.start();
  t.after(() => server.close());
  server.down = true;
  const store = await testStore(t);
  const log: string[] = [];
  const { events: read, runner } = await runPollers(store, [okta(url)], {
    log,
    until: (r) => {
      if (r.running[0]!.stats.retries >= 2) server.down = false;
      return r.running[0]!.stats.lastSuccessMs !== undefined;
    },
  });
  assert.deepEqual(uuids(read), events.map((e) => e.uuid));
  assert.ok(runner.running[0]!.stats.errors >= 2);
  assert.match(log[0]!, /HTTP 503/);
  assert.ok(!log.join('\n').includes(TOKEN), 'the token is never logged');
});

test('GitHub audit log: pages by Link, waits out the rate limit, exactly once across a restart and new entries', async (t) => {
  const entries = fixture<Array<{ '@timestamp': number; _document_id: string }>>('github-audit-log.json');
  const server = new GithubAuditServer(entries.slice(0, 7), TOKEN, 'acme');
  const url = await server.start();
  t.after(() => server.close());
  server.limited.add(2);
  const store = await testStore(t);

  const first = await runPollers(store, [github(url)], { until: (r) => r.running[0]!.stats.events >= 3 });
  assert.ok(first.runner.running[0]!.stats.retries >= 1);
  const second = await runPollers(store, [github(url)]);
  assert.deepEqual([...docIds(first.events), ...docIds(second.events)], entries.slice(0, 7).map((e) => e._document_id));
  // The restart asked again from the second of its checkpoint, and dropped what it had read.
  assert.match(server.requests.at(-1 - (second.runner.running[0]!.stats.reads - 1))!.searchParams.get('phrase')!, /^created:>=2025-11-20T08:00:0\dZ$/);

  server.events.push(...entries.slice(7));
  const third = await runPollers(store, [github(url)]);
  assert.deepEqual(docIds(third.events), entries.slice(7).map((e) => e._document_id));
  const event = third.events[0]!;
  assert.equal(event.source, 'github');
  assert.equal((event.data as { webhook_type: string }).webhook_type, 'audit_log');
});
