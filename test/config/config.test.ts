import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';

function yamlFile(t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'vigil.yaml');
  writeFileSync(file, text);
  return file;
}

const YAML = `# vigil settings
server:
  host: 0.0.0.0
  port: 9000
  body_limit: 1mb
store:
  location: postgres://vigil@db.internal/vigil
  retention: 30d
minimum_priority: Warning
dedup:
  window: 5m
  fields: [user, pod]
outputs:
  - type: stdout
    format: json
    minimum_priority: error
  - name: siem
    type: syslog
    protocol: tcp
    port: 6514
  - type: webhook
    url: https://hooks.example/vigil
    headers_env: { Authorization: HOOK_AUTH }
  - type: slack
    enabled: false
`;

test('vigil.yaml, then the environment, then flags; outputs read with their defaults and secrets from the environment', (t) => {
  const file = yamlFile(t, YAML);
  const env = { HOOK_AUTH: 'Bearer hook-token', VIGIL_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/T/B/X', VIGIL_SERVER_PORT: '9100', VIGIL_INGEST_TOKEN: 'in-tok' };
  const config = loadConfig({ file, env, flags: { 'server.port': '9200' } });
  const s = config.service;
  assert.equal(config.file, file);
  assert.equal(s.host, '0.0.0.0');
  assert.equal(s.port, 9200);
  assert.equal(s.bodyLimit, 1024 * 1024);
  assert.equal(s.store, 'postgres://vigil@db.internal/vigil');
  assert.equal(s.retentionMs, 30 * 86_400_000);
  assert.equal(config.minimumPriority, 'warning');
  assert.deepEqual(s.outputs.dedup, { windowMs: 300_000, fields: ['user', 'pod'] });
  assert.equal(s.auth.ingestToken, 'in-tok');
  assert.equal(s.auth.githubSecret, undefined);
  assert.deepEqual(
    s.outputs.outputs.map((o) => [o.name, o.type, o.enabled, o.minimumPriority, o.dedup]),
    [
      ['stdout', 'stdout', true, 'error', true],
      ['siem', 'syslog', true, 'debug', true],
      ['webhook', 'webhook', true, 'debug', true],
      ['slack', 'slack', false, 'debug', true],
      ['store', 'store', true, 'debug', false],
    ],
  );
  assert.deepEqual(s.outputs.outputs[1]!.options, { host: '127.0.0.1', port: 6514, protocol: 'tcp', facility: 16, appName: 'vigil', timeoutMs: 5000 });
  assert.deepEqual(s.outputs.outputs[2]!.options, { url: 'https://hooks.example/vigil', headers: { Authorization: 'Bearer hook-token' }, timeoutMs: 10_000 });
  assert.equal((s.outputs.outputs[3]!.options as { url: string }).url, 'https://hooks.slack.example/T/B/X');
});

test('with no file the defaults: loopback 8765, ./vigil.db, stdout text and the store, the bundled examples', () => {
  const config = loadConfig({ env: {}, file: undefined });
  assert.equal(config.service.host, '127.0.0.1');
  assert.equal(config.service.port, 8765);
  assert.equal(config.service.store, './vigil.db');
  assert.deepEqual(config.service.outputs.outputs.map((o) => `${o.type}:${(o.options as { format?: string }).format ?? ''}`), ['stdout:text', 'store:']);
  assert.match(config.service.replay[0]!, /examples[/\\]events$/);
  assert.match(config.rules[0]!, /rules$/);
});

test('flags add outputs; lists and durations come from the environment as text', () => {
  const config = loadConfig({
    env: { VIGIL_REPLAY: '', VIGIL_DEDUP_WINDOW: '0', VIGIL_RULES: 'a.yaml, b.yaml' },
    outputs: ['file,path=/var/log/vigil.jsonl,max_size=5mb,keep=2', 'syslog,host=10.0.0.5,minimum_priority=critical'],
  });
  assert.deepEqual(config.service.replay, []);
  assert.equal(config.service.outputs.dedup.windowMs, 0);
  assert.deepEqual(config.rules, ['a.yaml', 'b.yaml']);
  assert.deepEqual(config.service.outputs.outputs[0]!.options, { path: '/var/log/vigil.jsonl', maxBytes: 5 * 1024 * 1024, keep: 2 });
  assert.equal(config.service.outputs.outputs[1]!.minimumPriority, 'critical');
});

test('mistakes are one clear error naming their place', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['server:\n  port: eighty\n', /vigil\.yaml:2:3: server\.port: expected an integer from 0 to 65535, got "eighty"$/],
    ['sever:\n  port: 80\n', /vigil\.yaml:1:1: unknown setting sever$/],
    ['server:\n  prot: 80\n', /vigil\.yaml:2:3: unknown setting server\.prot$/],
    ['store:\n  retention: forever\n', /vigil\.yaml:2:3: store\.retention: expected a duration/],
    ['minimum_priority: loud\n', /vigil\.yaml:1:1: minimum_priority: expected a priority/],
    ['auth:\n  github_secret: hunter2\n', /vigil\.yaml:2:3: auth\.github_secret is a secret: give it in the environment variable VIGIL_GITHUB_SECRET, not in the file$/],
    ['outputs:\n  - type: stdout\n  - type: webhook\n', /vigil\.yaml:3:5: outputs\[1\]: a webhook output needs url$/],
    ['outputs:\n  - type: pager\n', /vigil\.yaml:2:5: outputs\[0\]\.type: expected one of stdout, file, webhook, slack, syslog, store/],
    ['outputs:\n  - type: file\n    path: a.jsonl\n    colour: red\n', /vigil\.yaml:4:5: outputs\[0\]\.colour: unknown setting for a file output/],
    ['outputs:\n  - type: slack\n', /vigil\.yaml:2:5: outputs\[0\]: the Slack webhook URL comes from the environment variable VIGIL_SLACK_WEBHOOK_URL, which is not set$/],
    ['outputs:\n  - type: stdout\n  - type: stdout\n', /two outputs are named stdout/],
    ['server: [1, 2\n', /vigil\.yaml:\d+:\d+: /],
  ];
  for (const [text, expected] of cases) {
    const file = yamlFile(t, text);
    assert.throws(() => loadConfig({ file, env: {} }), (err: Error) => {
      assert.equal(err.name, 'UserError', err.stack);
      assert.match(err.message, expected);
      assert.ok(!err.message.includes('\n'), err.message);
      return true;
    }, text);
  }
  assert.throws(() => loadConfig({ env: { VIGIL_SERVER_PORT: 'x' } }), /^UserError: VIGIL_SERVER_PORT: expected an integer/);
  assert.throws(() => loadConfig({ env: {}, flags: { 'server.port': '-1' } }), /--port: expected an integer/);
  assert.throws(() => loadConfig({ env: {}, file: '/nonexistent/vigil.yaml' }), /\/nonexistent\/vigil\.yaml: cannot read: ENOENT/);
});
