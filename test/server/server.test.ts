import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type Service, type ServiceOptions } from '../../src/server/index.js';
import type { StoredAlert } from '../../src/store/index.js';
import { DATABASES } from '../store/databases.js';
import { auditEvent, eventList, get, githubSignature, post, tempDir, testOptions, testParts } from './fixture.js';

async function serve(t: { after: (fn: () => Promise<void> | void) => void }, overrides: Partial<ServiceOptions> = {}): Promise<Service> {
  const dir = tempDir(t);
  const service = await startService(testOptions(dir, overrides), testParts());
  t.after(() => service.close());
  return service;
}

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

for (const { kind, create } of DATABASES) {
  test(`${kind}: a kube-apiserver EventList is evaluated; its alerts, with their events, come back through the API`, async (t) => {
    const { location, drop } = await create();
    t.after(drop);
    const service = await serve(t, { store: location });
    const list = eventList(auditEvent('create', 'pods'), auditEvent('get', 'secrets', 'mallory'), auditEvent('list', 'pods'));
    const res = await post(`${service.url}/ingest/k8s_audit`, list);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { events: 3, alerts: 2 });

    const page = (await get(`${service.url}/api/alerts`)).body as { alerts: StoredAlert[] };
    assert.deepEqual(page.alerts.map((a) => a.alert.rule), ['Secret read', 'Pod created']);
    assert.deepEqual(page.alerts[0]!.alert.vigil!.event, auditEvent('get', 'secrets', 'mallory'));
    assert.match(page.alerts[0]!.alert.vigil!.origin as string, /^http 127\.0\.0\.1 /);

    const one = await get(`${service.url}/api/alerts/${page.alerts[0]!.id}`);
    assert.equal(one.body.alert.output_fields.user, 'mallory');
    assert.equal((await get(`${service.url}/api/alerts/123456`)).status, 404);

    const filtered = await get(`${service.url}/api/alerts?priority=critical&q=MALLORY&source=k8s_audit&tag=k8s_audit`);
    assert.deepEqual(filtered.body.alerts.map((a: StoredAlert) => a.alert.rule), ['Secret read']);
    const paged = await get(`${service.url}/api/alerts?limit=1`);
    assert.equal(paged.body.alerts.length, 1);
    const rest = await get(`${service.url}/api/alerts?limit=1&cursor=${paged.body.next}`);
    assert.equal(rest.body.alerts[0].alert.rule, 'Pod created');
    assert.equal(rest.body.next, undefined);

    const stats = await get(`${service.url}/api/stats?bucket=1d`);
    assert.equal(stats.body.total, 2);
    assert.deepEqual(stats.body.priority, { critical: 1, warning: 1 });
    assert.equal(stats.body.buckets.length, 1);

    for (const bad of ['priority=loud', 'limit=many', 'from=yesterday', 'colour=red', 'cursor=xyz']) {
      const r = await get(`${service.url}/api/alerts?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.reason, 'bad_query');
    }
    assert.equal((await get(`${service.url}/api/stats?bucket=soon`)).status, 400);

    const health = await get(`${service.url}/healthz`);
    assert.equal(health.body.status, 'ok');
    assert.equal(health.body.store, kind);

    const metrics = (await get(`${service.url}/metrics`)).body as string;
    assert.equal(metric(metrics, 'vigil_events_received_total{source="k8s_audit"}'), 3);
    assert.equal(metric(metrics, 'vigil_events_parsed_total'), 3);
    assert.equal(metric(metrics, 'vigil_alerts_total{priority="critical"}'), 1);
    assert.equal(metric(metrics, 'vigil_queue_depth'), 0);
    assert.equal(metric(metrics, 'vigil_checkpoint_lag_events'), 0);
    assert.equal(metric(metrics, 'vigil_output_delivered_total{output="store"}'), 2);
    assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="bad_query"}'), 6);
  });
}

test('bad requests get 400, 404 and 413 with their reason, are counted, and the server carries on', async (t) => {
  const service = await serve(t);
  const malformed = await post(`${service.url}/ingest/k8s_audit`, '{"kind": "EventList", items: [');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.reason, 'malformed');
  assert.match(malformed.body.error, /^malformed JSON: /);
  assert.equal((await post(`${service.url}/ingest/k8s_audit`, '')).status, 400);
  const notAudit = await post(`${service.url}/ingest/k8s_audit`, { hello: 'world' });
  assert.equal(notAudit.status, 400);
  assert.equal(notAudit.body.error, 'not a k8s_audit document');
  const unknown = await post(`${service.url}/ingest/mainframe`, { a: 1 });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error, 'unknown source: mainframe');
  assert.equal((await get(`${service.url}/nowhere`)).status, 404);
  const big = await post(`${service.url}/ingest/json`, { n: 'x'.repeat(70 * 1024) });
  assert.equal(big.status, 413);
  assert.equal(big.body.reason, 'too_large');

  const ok = await post(`${service.url}/ingest/json`, { n: 1 });
  assert.deepEqual(ok.body, { events: 1, alerts: 1 });
  const metrics = (await get(`${service.url}/metrics`)).body as string;
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="malformed"}'), 2);
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="not_source_document"}'), 1);
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="unknown_source"}'), 1);
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="not_found"}'), 1);
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="too_large"}'), 1);
});

test('bearer endpoints: a configured token is required; without one they are open on loopback only', async (t) => {
  const guarded = await serve(t, { auth: { ingestToken: 's3cret', apiToken: 'api-s3cret' } });
  const list = eventList(auditEvent('create', 'pods'));
  assert.equal((await post(`${guarded.url}/ingest/k8s_audit`, list)).status, 401);
  assert.equal((await post(`${guarded.url}/ingest/k8s_audit`, list, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await post(`${guarded.url}/ingest/json`, { n: 1 }, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await post(`${guarded.url}/ingest/k8s_audit`, list, { authorization: 'Bearer s3cret' })).status, 200);
  assert.equal((await get(`${guarded.url}/api/alerts`)).status, 401);
  assert.equal((await get(`${guarded.url}/api/alerts`, { authorization: 'Bearer s3cret' })).status, 401);
  assert.equal((await get(`${guarded.url}/api/alerts`, { authorization: 'Bearer api-s3cret' })).body.alerts.length, 1);

  const lines: string[] = [];
  const dir = tempDir(t);
  const exposed = await startService(testOptions(dir, { host: '0.0.0.0' }), { ...testParts(), log: (l) => lines.push(l) });
  t.after(() => exposed.close());
  const url = exposed.url.replace('0.0.0.0', '127.0.0.1');
  const refused = await post(`${url}/ingest/k8s_audit`, list);
  assert.equal(refused.status, 401);
  assert.equal((await get(`${url}/api/alerts`)).status, 401);
  assert.ok(lines.some((l) => /ingest.*REFUSING every request.*set VIGIL_INGEST_TOKEN/.test(l)), lines.join('\n'));

  const open = await serve(t);
  assert.equal((await post(`${open.url}/ingest/k8s_audit`, list)).status, 200);
});

test('GitHub: the signature is verified in constant time; without a secret every delivery is refused', async (t) => {
  const body = JSON.stringify({ action: 'publicized', repository: { full_name: 'acme/secret-sauce' }, sender: { login: 'mallory' } });
  const lines: string[] = [];
  const dir = tempDir(t);
  const unset = await startService(testOptions(dir), { ...testParts(), log: (l) => lines.push(l) });
  t.after(() => unset.close());
  const signed = { 'x-github-event': 'repository', 'x-hub-signature-256': githubSignature(body, 'anything') };
  assert.equal((await post(`${unset.url}/ingest/github`, body, signed)).status, 401);
  assert.ok(lines.some((l) => /GitHub.*REFUSING every delivery.*VIGIL_GITHUB_SECRET/.test(l)));

  const service = await serve(t, { auth: { githubSecret: 'hook-secret' } });
  const url = `${service.url}/ingest/github`;
  assert.equal((await post(url, body, { 'x-github-event': 'repository' })).status, 401);
  assert.equal((await post(url, body, signed)).status, 401);
  const tampered = body.replace('mallory', 'alice');
  assert.equal((await post(url, tampered, { 'x-github-event': 'repository', 'x-hub-signature-256': githubSignature(body, 'hook-secret') })).status, 401);
  const ok = await post(url, body, { 'x-github-event': 'repository', 'x-hub-signature-256': githubSignature(body, 'hook-secret') });
  assert.deepEqual(ok.body, { events: 1, alerts: 1 });
  // However the path is spelled, GitHub events go through the verification.
  const sneaky = await post(`${service.url}/ingest/%67ithub`, body, { 'x-github-event': 'repository' });
  assert.equal(sneaky.status, 401);
  const ping = await post(url, '{"zen":"hi"}', { 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature('{"zen":"hi"}', 'hook-secret') });
  assert.deepEqual(ping.body, { events: 0, alerts: 0 });

  const stored = (await service.store.query()).alerts;
  assert.equal(stored.length, 1);
  assert.equal((stored[0]!.alert.vigil!.event as { webhook_type: string }).webhook_type, 'repository');
  const metrics = (await get(`${service.url}/metrics`)).body as string;
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="unauthenticated"}'), 4);
});

test('Okta: the verification challenge is answered and the authorization header checked on every delivery', async (t) => {
  const service = await serve(t, { auth: { oktaAuthorization: 'okta-shared-secret' } });
  const url = `${service.url}/ingest/okta`;
  const challenge = { 'x-okta-verification-challenge': 'abc123' };
  assert.equal((await get(url, challenge)).status, 401);
  assert.equal((await get(url, { ...challenge, authorization: 'nope' })).status, 401);
  assert.deepEqual((await get(url, { ...challenge, authorization: 'okta-shared-secret' })).body, { verification: 'abc123' });

  const hook = {
    eventType: 'com.okta.event_hook',
    data: {
      events: [
        { uuid: 'u1', published: '2026-11-25T10:00:00.000Z', eventType: 'user.session.start', actor: { alternateId: 'admin@acme' } },
        { uuid: 'u2', published: '2026-11-25T10:00:01.000Z', eventType: 'user.account.lock', actor: { alternateId: 'bob@acme' } },
      ],
    },
  };
  assert.equal((await post(url, hook)).status, 401);
  const ok = await post(url, hook, { authorization: 'okta-shared-secret' });
  assert.deepEqual(ok.body, { events: 2, alerts: 1 });

  const unset = await serve(t);
  assert.equal((await get(`${unset.url}/ingest/okta`, { ...challenge, authorization: '' })).status, 401);
});

test('PostgreSQL going away: /healthz says so with 503, and alerts that cannot be stored are kept in the dead-letter file', async (t) => {
  const { location, drop } = await DATABASES.find((d) => d.kind === 'postgres')!.create();
  const service = await serve(t, { store: location });
  assert.equal((await get(`${service.url}/healthz`)).status, 200);
  await drop();
  const health = await get(`${service.url}/healthz`);
  assert.equal(health.status, 503);
  assert.equal(health.body.status, 'store unreachable');
  const res = await post(`${service.url}/ingest/k8s_audit`, eventList(auditEvent('create', 'pods')));
  assert.deepEqual(res.body, { events: 1, alerts: 1 });
  assert.equal(service.dispatcher.deadLetter.kept, 1);
  assert.equal(service.dispatcher.deliveries[0]!.counts.deadLettered.failed, 1);
});

test('a port already in use is one clear error', async (t) => {
  const first = await serve(t);
  const port = Number(new URL(first.url).port);
  const dir = tempDir(t);
  await assert.rejects(startService(testOptions(dir, { port }), testParts()), {
    name: 'UserError',
    message: `cannot listen on 127.0.0.1:${port}: the address is in use (another vigil?); choose another with --port`,
  });
});

test('retention: at start (and hourly) alerts stored longer ago than the retention are deleted', async (t) => {
  const dir = tempDir(t);
  const first = await startService(testOptions(dir), testParts());
  await post(`${first.url}/ingest/k8s_audit`, eventList(auditEvent('create', 'pods')));
  assert.equal((await first.store.query()).alerts.length, 1);
  await first.close();
  await new Promise((r) => setTimeout(r, 20));
  const second = await startService(testOptions(dir, { retentionMs: 10 }), testParts());
  t.after(() => second.close());
  assert.equal((await second.store.query()).alerts.length, 0);
});

test('odd documents on every endpoint get a 200 or a 400, never a 500, and the server stays up', async (t) => {
  const service = await serve(t, { auth: { githubSecret: 'g', oktaAuthorization: 'o' }, bodyLimit: 4 * 1024 * 1024 });
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const bodies = [
    'null', '[]', '1', '"x"', 'true', '{}', '[null]', deep, '{"__proto__": {"polluted": 1}, "kind": "EventList", "items": [{"__proto__": {}}]}',
    '{"kind":"EventList","items":"x"}', '{"kind":"EventList","items":[null,1,"a",[],{}]}', '{"kind":"Event","verb":{"a":1},"user":7}',
    '{"Records":[null]}', '{"data":{"events":[null,{}]}}', '{"data":{"events":"x"}}', '{"eventType":1,"published":[]}',
    JSON.stringify({ kind: 'EventList', items: [{ kind: 'Event', stageTimestamp: 'not a time', requestReceivedTimestamp: 12 }] }),
    '\u0000', '{"a":1}{"b":2}', '\ufeff{}',
  ];
  const endpoints = ['k8s_audit', 'aws_cloudtrail', 'gcp_auditlog', 'json', 'okta', 'github'];
  for (const endpoint of endpoints) {
    for (const body of bodies) {
      const headers: Record<string, string> =
        endpoint === 'github' ? { 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(body, 'g') } : endpoint === 'okta' ? { authorization: 'o' } : {};
      const res = await post(`${service.url}/ingest/${endpoint}`, body, headers);
      assert.ok([200, 400].includes(res.status), `${endpoint} ${body.slice(0, 60)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((await get(`${service.url}/healthz`)).status, 200);
  const metrics = (await get(`${service.url}/metrics`)).body as string;
  assert.equal(metric(metrics, 'vigil_requests_rejected_total{reason="internal"}'), undefined);
});
