import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.js';
import type { Alert } from '../../src/records/index.js';
import { runService } from '../../src/server/index.js';
import { fixture, GithubAuditServer, OktaServer } from './api-servers.js';
import { tempDir } from './helpers.js';

const metric = (text: string, name: string, poller: string) =>
  Number(new RegExp(`^${name}\\{poller="${poller}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

test('vigil serve runs the pollers of vigil.yaml, reports them in /metrics, stops them gracefully and resumes after a restart', async (t) => {
  const okta = new OktaServer(fixture('okta-system-log.json'), 'okta-tok-do-not-print');
  const github = new GithubAuditServer(fixture('github-audit-log.json'), 'gh-tok-do-not-print', 'acme');
  const oktaUrl = await okta.start();
  const githubUrl = await github.start();
  t.after(() => okta.close());
  t.after(() => github.close());
  const dir = tempDir(t, 'serve-pollers');
  const file = join(dir, 'vigil.yaml');
  const rules = join(dir, 'polled.yaml');
  writeFileSync(rules, ['okta', 'github'].map((source) =>
    `- rule: Polled ${source} event from a located address\n  desc: d\n  condition: vigil.geo.country exists\n  output: ${source} event from %vigil.geo.country\n  priority: NOTICE\n  source: ${source}\n`).join(''));
  writeFileSync(file, `rules: [${rules}]
server:
  port: 0
store:
  location: ${join(dir, 'vigil.db')}
dead_letter: ${join(dir, 'dead.jsonl')}
replay: []
outputs:
  - type: file
    path: ${join(dir, 'alerts.jsonl')}
pollers:
  - type: okta
    url: ${oktaUrl}
    lookback: 1000d
    limit: 5
    backoff: 20ms
  - name: github-acme
    type: github_audit
    organization: acme
    url: ${githubUrl}
    token_env: ACME_GITHUB_TOKEN
    lookback: 2000d
    per_page: 3
`);
  const env = { VIGIL_OKTA_API_TOKEN: 'okta-tok-do-not-print', ACME_GITHUB_TOKEN: 'gh-tok-do-not-print' };
  const config = loadConfig({ file, env });
  assert.equal(config.service.pollers!.length, 2);
  const lines: string[] = [];
  const service = await runService(config, (l) => lines.push(l));
  t.after(() => service.close());
  let text = '';
  for (let i = 0; i < 400; i++) {
    text = await (await fetch(`${service.url}/metrics`)).text();
    if (metric(text, 'vigil_poller_events_total', 'okta') === 11 && metric(text, 'vigil_poller_events_total', 'github-acme') === 9) break;
    await sleep(25);
  }
  assert.equal(metric(text, 'vigil_poller_events_total', 'okta'), 11, text);
  assert.equal(metric(text, 'vigil_poller_events_total', 'github-acme'), 9);
  assert.equal(metric(text, 'vigil_poller_reads_total', 'github-acme'), 3);
  assert.equal(metric(text, 'vigil_poller_errors_total', 'okta'), 0);
  assert.ok(metric(text, 'vigil_poller_lag_seconds', 'okta') > 0);
  assert.ok(lines.some((l) => l.includes('polling github-acme (github)')));
  // Polled events raise alerts that carry the geo-IP of their client address.
  const { alerts } = (await (await fetch(`${service.url}/api/alerts?limit=100`)).json()) as { alerts: Array<{ alert: Alert }> };
  const bySource = (source: string) => alerts.filter((a) => a.alert.source === source).map((a) => a.alert);
  assert.equal(bySource('okta').length, 9, 'the Okta events from public addresses (two come from 198.51.100.2, a documentation range)');
  assert.equal(bySource('github').length, 5, 'the GitHub entries with an actor_ip');
  for (const alert of [...bySource('okta'), ...bySource('github')]) {
    assert.match(alert.vigil!.geo!.country!, /^[A-Z]{2}$/);
    assert.ok(alert.vigil!.origin === 'okta' || alert.vigil!.origin === 'github-acme');
  }
  await service.close();
  assert.ok(!lines.join('\n').includes('do-not-print'));

  // A restart resumes from the stored checkpoints: nothing is read twice.
  const again = await runService(config, () => {});
  t.after(() => again.close());
  for (let i = 0; i < 200 && again.pollers.running.some((r) => r.stats.lastSuccessMs === undefined); i++) await sleep(25);
  assert.deepEqual(again.pollers.running.map((r) => r.stats.events), [0, 0]);
  await again.close();
});

test('pollers in vigil.yaml and --poller are checked: a missing token, an unknown setting, a bad day', (t) => {
  const dir = tempDir(t, 'serve-config');
  const file = join(dir, 'vigil.yaml');
  writeFileSync(file, 'pollers:\n  - type: okta\n    url: https://acme.okta.com\n');
  assert.throws(() => loadConfig({ file, env: {} }), /pollers\[0\].*VIGIL_OKTA_API_TOKEN, which is not set/);
  writeFileSync(file, 'pollers:\n  - type: cloudtrail_s3\n    bucket: b\n    acounts: [1]\n');
  assert.throws(() => loadConfig({ file, env: {} }), /vigil\.yaml:4:5: pollers\[0\]\.acounts: unknown setting for a cloudtrail_s3 poller/);
  const flags = loadConfig({ env: {}, pollers: ['cloudtrail_s3,bucket=trail,accounts=111111111111,222222222222,regions=us-east-1'] });
  assert.deepEqual(flags.service.pollers![0]!.options, {
    bucket: 'trail', prefix: '', organization: '', accounts: ['111111111111', '222222222222'], regions: ['us-east-1'],
    since: '', endpoint: '', region: 'us-east-1', queueUrl: '', sqsEndpoint: '',
  });
  assert.throws(() => loadConfig({ env: {}, pollers: ['cloudtrail_s3,bucket=b,accounts=1,regions=r,since=yesterday'] }), /--poller .*\(since\): expected a day as YYYY-MM-DD/);
});
