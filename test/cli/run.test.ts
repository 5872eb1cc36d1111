import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alert } from '../../src/records/index.js';
import { EXAMPLES_DIR } from '../../src/util/paths.js';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'vigil-run-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const vigil = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input });
const alerts = (stdout: string): Alert[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

const rules = join(dir, 'rules.yaml');
writeFileSync(rules, `
- rule: Root Action
  desc: root did something
  condition: json.value[/user] = root
  output: "root did %json.value[/action] (ip=%json.value[/ip])"
  priority: critical
  tags: [test]
  source: json
`);

test('vigil run reads JSON lines from stdin and prints Falco JSON alerts', () => {
  const r = vigil(['run', '--rules', rules, '--source', 'json'], '{"user":"root","action":"rm"}\n{"user":"alice"}\n');
  assert.equal(r.status, 0, r.stderr);
  const [alert, ...rest] = alerts(r.stdout);
  assert.equal(rest.length, 0);
  assert.equal(alert!.rule, 'Root Action');
  assert.equal(alert!.priority, 'Critical');
  assert.equal(alert!.source, 'json');
  assert.deepEqual(alert!.tags, ['test']);
  assert.match(alert!.output, /Critical root did rm \(ip=<NA>\)$/);
  assert.deepEqual(alert!.output_fields, { 'json.value[/action]': 'rm', 'json.value[/ip]': null });
  assert.match(r.stderr, /2 events, 1 alerts, 0 skipped/);
});

test('a malformed event is reported with its place and the run goes on', () => {
  const events = join(dir, 'mixed.jsonl');
  writeFileSync(events, '{"user":"root","action":"a"}\n{"user": "root", "action": \n{"user":"root","action":"c"}\n');
  const r = vigil(['run', '--rules', rules, '--source', 'json', '--input', events, '--format', 'text']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 2);
  assert.match(r.stderr, new RegExp(`mixed\\.jsonl:2:\\d+`));
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('gzip files, arrays and concatenated JSON are framed by their content', () => {
  const gz = join(dir, 'events.json.gz');
  writeFileSync(gz, gzipSync('[{"user":"root","action":"x"},{"user":"root","action":"y"}]'));
  const concat = join(dir, 'concat.json');
  writeFileSync(concat, '{"user":"root","action":"z"}{"user":"bob"}');
  const r = vigil(['run', '--rules', rules, '--source', 'json', '--input', gz, concat]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(alerts(r.stdout).map((a) => a.output_fields['json.value[/action]']), ['x', 'y', 'z']);
});

test('the default rules over the bundled examples: each source detected by shape, each default rule fires', () => {
  const r = vigil(['run', '--input', join(EXAMPLES_DIR, 'events')]);
  assert.equal(r.status, 0, r.stderr);
  const fired = new Set(alerts(r.stdout).map((a) => a.rule));
  const defaults = readFileSync(resolve(EXAMPLES_DIR, '../rules/okta.yaml'), 'utf8');
  assert.ok(defaults.includes('Okta Sign-in from an Unexpected Country'));
  for (const rule of ['AWS Root Account Used', 'Kubernetes Exec or Attach into a Pod', 'GitHub Private Repository Made Public',
    'Okta Sign-in from an Unexpected Country', 'GCP Service Account Key Created']) {
    assert.ok(fired.has(rule), `${rule} fired`);
  }
  assert.match(r.stderr, /, 0 skipped/);
});

test('rules that do not load stop the run with their errors and exit 2', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- rule: Bad\n  desc: d\n  condition: json.value[/a] = = 1\n  output: o\n  priority: info\n  source: json\n');
  const r = vigil(['run', '--rules', bad, '--source', 'json'], '{}\n');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:3:\d+: LOAD_ERR_COMPILE_CONDITION/);
  assert.match(r.stderr, /the rules did not load/);
});

test('tag filters select rules as Falco -t and -T do, and --min-priority drops the quieter ones', () => {
  const tagged = join(dir, 'tagged.yaml');
  writeFileSync(tagged, ['a', 'b'].map((t, i) => `
- rule: Rule ${t}
  desc: d
  condition: json.value[/x] exists
  output: ${t}
  priority: ${i === 0 ? 'error' : 'notice'}
  tags: [${t}, common]
  source: json
`).join(''));
  const fired = (...args: string[]) =>
    alerts(vigil(['run', '--rules', tagged, '--source', 'json', ...args], '{"x":1}\n').stdout).map((a) => a.rule);
  assert.deepEqual(fired(), ['Rule a', 'Rule b']);
  assert.deepEqual(fired('-t', 'b'), ['Rule b']);
  assert.deepEqual(fired('-T', 'a'), ['Rule b']);
  assert.deepEqual(fired('-t', 'common', '-T', 'b'), ['Rule a']);
  assert.deepEqual(fired('--min-priority', 'warning'), ['Rule a']);
});

test('--workers gives the alerts of one thread, and refuses rules that print evt.num, which only one thread can count', () => {
  const events = join(dir, 'workers.jsonl');
  writeFileSync(events, Array.from({ length: 500 }, (_, i) => JSON.stringify({ user: i % 7 === 0 ? 'root' : 'alice', action: `a${i}` })).join('\n') + '\n');
  const one = vigil(['run', '--rules', rules, '--source', 'json', '--input', events]);
  const two = vigil(['run', '--rules', rules, '--source', 'json', '--input', events, '--workers', '2']);
  assert.equal(two.status, 0, two.stderr);
  assert.equal(alerts(two.stdout).length, 72);
  // These events carry no time, so each alert's is the time it was raised: compare the rest.
  const untimed = (out: string) => alerts(out).map((a) => a.output.replace(/^\S+ /, ''));
  assert.deepEqual(untimed(two.stdout), untimed(one.stdout));

  const numbered = join(dir, 'numbered.yaml');
  writeFileSync(numbered, '- rule: Numbered\n  desc: d\n  condition: ka.verb = get\n  output: "event %evt.num"\n  priority: info\n  source: k8s_audit\n');
  const refused = vigil(['run', '--rules', numbered, '--source', 'k8s_audit', '--input', events, '--workers', '2']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /rule 'Numbered' uses evt\.num.*without --workers/);
  assert.equal(refused.stderr.trim().split('\n').length, 1);
});

test('with --source auto, lines no rule can match are passed over when one source has rules, with the same alerts', () => {
  const ctRules = join(dir, 'ct.yaml');
  writeFileSync(ctRules, `
- rule: Trail Stopped
  desc: d
  condition: ct.name in (StopLogging, DeleteTrail)
  output: "trail stopped by %ct.user (%ct.name)"
  priority: critical
  source: aws_cloudtrail
`);
  // A never-matching rule of another source: two sources have rules, so nothing can be passed over.
  const twoSources = join(dir, 'two-sources.yaml');
  writeFileSync(twoSources, `${readFileSync(ctRules, 'utf8')}
- rule: Never
  desc: d
  condition: ka.verb = never-a-verb
  output: "never"
  priority: info
  source: k8s_audit
`);
  const record = (name: string, i: number) => JSON.stringify({
    eventVersion: '1.08', eventTime: `2026-11-01T00:00:${String(i % 60).padStart(2, '0')}Z`, eventSource: 'cloudtrail.amazonaws.com',
    eventName: name, awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: `u${i}` }, eventID: `e${i}`,
  });
  const k8s = JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a1', stage: 'ResponseComplete', verb: 'get', user: { username: 'bob' } });
  const lines = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? record('StopLogging', i) : i % 3 === 0 ? k8s : record('GetObject', i)));
  // Malformed inside, yet whole and of a type no rule takes: reported when parsed, passed over otherwise.
  lines.push('{"eventName":"GetObject","userIdentity":{oops}}');
  const events = join(dir, 'auto.jsonl');
  writeFileSync(events, `${lines.join('\n')}\n`);

  const passedOver = vigil(['run', '--rules', ctRules, '--input', events]);
  const parsed = vigil(['run', '--rules', twoSources, '--input', events]);
  assert.equal(passedOver.status, 0, passedOver.stderr);
  assert.equal(parsed.status, 0, parsed.stderr);
  assert.equal(alerts(passedOver.stdout).length, 6);
  assert.deepEqual(alerts(passedOver.stdout), alerts(parsed.stdout));
  assert.match(parsed.stderr, /auto\.jsonl:301:\d+: .*\n.*300 events, 6 alerts, 1 skipped/);
  assert.match(passedOver.stderr, /301 events, 6 alerts, 0 skipped/);
});
