import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import { runService } from '../../src/server/index.js';
import type { StoredAlert } from '../../src/store/index.js';
import { get, post, tempDir } from './fixture.js';

test('vigil serve on its defaults: the default rules, the bundled examples replayed once, alerts in the API; secrets never printed', async (t) => {
  const dir = tempDir(t);
  const env = {
    VIGIL_SERVER_PORT: '0',
    VIGIL_STORE_LOCATION: join(dir, 'vigil.db'),
    VIGIL_DEAD_LETTER: join(dir, 'dead.jsonl'),
    VIGIL_INGEST_TOKEN: 'tok-do-not-print',
    VIGIL_GITHUB_SECRET: 'gh-do-not-print',
  };
  const config = loadConfig({ env, outputs: [`file,path=${join(dir, 'alerts.jsonl')}`] });
  const lines: string[] = [];
  const first = await runService(config, (l) => lines.push(l));
  t.after(() => first.close());
  const page = (await get(`${first.url}/api/alerts?limit=1000`)).body as { alerts: StoredAlert[] };
  assert.ok(page.alerts.length >= 20, `${page.alerts.length} alerts`);
  const rules = new Set(page.alerts.map((a) => a.alert.rule));
  for (const rule of ['Kubernetes Cluster-Admin Binding Created', 'Okta Administrator Role Granted', 'GitHub Secret Scanning Alert']) assert.ok(rules.has(rule), rule);
  assert.ok(page.alerts.every((a) => a.alert.vigil!.event !== undefined));
  assert.ok(lines.some((l) => /replayed \d+ example events/.test(l)));
  assert.ok(lines.some((l) => l.includes(`${first.url}/api/alerts`)));
  assert.ok(!lines.some((l) => l.includes('do-not-print')), lines.join('\n'));
  // A real k8s audit event through the real source and default rules.
  const exec = {
    kind: 'EventList',
    items: [
      {
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: 'a1', stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/prod/pods/web/exec?command=sh', verb: 'create',
        user: { username: 'mallory', groups: ['system:authenticated'] }, sourceIPs: ['203.0.113.9'],
        objectRef: { resource: 'pods', namespace: 'prod', name: 'web', subresource: 'exec', apiVersion: 'v1' },
        responseStatus: { code: 200 }, requestReceivedTimestamp: '2026-11-25T10:00:00.000000Z', stageTimestamp: '2026-11-25T10:00:00.100000Z',
      },
    ],
  };
  const res = await post(`${first.url}/ingest/k8s_audit`, exec, { authorization: 'Bearer tok-do-not-print' });
  assert.equal(res.status, 200);
  assert.ok(res.body.alerts >= 1, JSON.stringify(res.body));
  const total = page.alerts.length + res.body.alerts;
  await first.close();

  const again = await runService(config, () => {});
  t.after(() => again.close());
  assert.equal((await again.store.stats({ bucketMs: 86_400_000 })).total, total);
});

test('a replay interrupted after a checkpoint resumes after the events it committed', async (t) => {
  const dir = tempDir(t);
  const events = join(dir, 'k8s_audit.jsonl');
  const line = (n: number) =>
    JSON.stringify({
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: `id-${n}`, stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/prod/pods/web-${n}/exec`, verb: 'create', user: { username: 'eve' }, sourceIPs: ['203.0.113.9'],
      objectRef: { resource: 'pods', namespace: 'prod', name: `web-${n}`, subresource: 'exec' }, responseStatus: { code: 200 },
      stageTimestamp: '2026-11-25T10:00:00.000000Z',
    });
  writeFileSync(events, Array.from({ length: 1200 }, (_, i) => line(i)).join('\n') + '\n');
  const env = { VIGIL_SERVER_PORT: '0', VIGIL_STORE_LOCATION: join(dir, 'vigil.db'), VIGIL_DEAD_LETTER: join(dir, 'dead.jsonl'), VIGIL_REPLAY: events, VIGIL_DEDUP_WINDOW: '0' };
  const config = loadConfig({ env, outputs: [`file,path=${join(dir, 'alerts.jsonl')}`] });

  // As if a first run had committed the first 500 events, and their alerts, before stopping.
  const first = await runService({ ...config, service: { ...config.service, replay: [] } }, () => {});
  await first.store.saveCheckpoint(`replay:${events}`, '500');
  await first.close();

  const lines: string[] = [];
  const service = await runService(config, (l) => lines.push(l));
  t.after(() => service.close());
  assert.ok(lines.some((l) => l.includes('replayed 700 example events')), lines.join('\n'));
  const names = new Set((await service.store.query({ rule: 'Kubernetes Exec or Attach into a Pod', limit: 1000 })).alerts.map((a) => a.alert.output_fields['ka.target.name']));
  assert.equal(names.size, 700);
  assert.ok(names.has('web-500') && names.has('web-1199') && !names.has('web-499'));
  assert.equal(await service.store.checkpoint(`replay:${events}`), 'done');
});
