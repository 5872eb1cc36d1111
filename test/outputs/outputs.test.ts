import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createDispatcher, type OutputConfig, type OutputCommon } from '../../src/outputs/index.js';
import { stdoutOutput } from '../../src/outputs/stdout.js';
import { openAlertStore } from '../../src/store/index.js';
import { displayPriority, type Alert, type Priority } from '../../src/records/index.js';
import { httpReceiver, tcpReceiver, udpReceiver, until } from './receivers.js';

function alert(n: number, priority: Priority = 'warning', rule = 'Exec into pod'): Alert {
  return {
    time: `2026-11-25T10:00:${String(n % 60).padStart(2, '0')}.123456789Z`,
    rule,
    priority: displayPriority(priority),
    output: `10:00:00.123456789: ${displayPriority(priority)} exec into pod n=${n}`,
    output_fields: { n, 'ka.user.name': 'alice' },
    source: 'k8s_audit',
    tags: ['k8s'],
    hostname: 'node-1',
    vigil: { priority },
  };
}

const common: OutputCommon = { enabled: true, minimumPriority: 'debug', dedup: false };
const fast = { attempts: 5, backoffMs: 5, maxBackoffMs: 20 };
const noDedup = { windowMs: 0, fields: [] };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function deadLetters(path: string): Array<{ output: string; reason: string; alert: Alert }> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('a webhook that fails and then recovers gets every alert, in order, with nothing dead-lettered', async (t) => {
  const dir = tempDir(t);
  const hook = await httpReceiver((n) => (n <= 3 ? 503 : 200));
  t.after(hook.close);
  const outputs: OutputConfig[] = [{ ...common, name: 'hook', type: 'webhook', options: { url: hook.url, headers: { 'x-k': 'v' }, timeoutMs: 2000 } }];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: join(dir, 'dead.jsonl'), delivery: fast });
  await dispatcher.publish([alert(1), alert(2), alert(3)]);
  await dispatcher.idle();
  assert.deepEqual(hook.bodies.map((b) => (b as Alert).output_fields.n), [1, 2, 3]);
  const counts = dispatcher.deliveries[0]!.counts;
  assert.equal(counts.delivered, 3);
  assert.equal(counts.failures, 3);
  assert.deepEqual(counts.deadLettered, { failed: 0, overflow: 0, shutdown: 0 });
  assert.deepEqual(deadLetters(join(dir, 'dead.jsonl')), []);
  await dispatcher.close(100);
});

test('an output that stays down is dead-lettered and counted, and never holds up the others', async (t) => {
  const dir = tempDir(t);
  const down = await httpReceiver(() => 500);
  t.after(down.close);
  const deadPath = join(dir, 'dead.jsonl');
  const filePath = join(dir, 'alerts.jsonl');
  const outputs: OutputConfig[] = [
    { ...common, name: 'down', type: 'webhook', options: { url: down.url, headers: {}, timeoutMs: 2000 } },
    { ...common, name: 'file', type: 'file', options: { path: filePath, maxBytes: 1e9, keep: 1 } },
  ];
  const dispatcher = createDispatcher(
    { outputs, dedup: noDedup, deadLetterPath: deadPath, delivery: { attempts: 3, backoffMs: 200, maxBackoffMs: 200 } });
  await dispatcher.publish([alert(1), alert(2)]);
  const [webhook, file] = dispatcher.deliveries;
  // The file has both alerts while the webhook is still waiting to retry its first.
  await until(() => file!.counts.delivered === 2);
  assert.equal(webhook!.counts.delivered + webhook!.counts.deadLettered.failed, 0);
  assert.equal(readFileSync(filePath, 'utf8').trim().split('\n').length, 2);

  await dispatcher.idle();
  assert.equal(webhook!.counts.deadLettered.failed, 2);
  assert.equal(webhook!.counts.failures, 6);
  assert.match(webhook!.lastError!, /HTTP 500/);
  const dead = deadLetters(deadPath);
  assert.deepEqual(dead.map((d) => [d.output, d.alert.output_fields.n]), [['down', 1], ['down', 2]]);
  assert.match(dead[0]!.reason, /^failed: 3 tries, last: HTTP 500/);
  assert.equal(dispatcher.deadLetter.kept, 2);
  await dispatcher.close(100);
});

test('a full output queue overflows into the dead-letter file, counted', async (t) => {
  const dir = tempDir(t);
  const slow = await httpReceiver(() => 200);
  t.after(slow.close);
  const deadPath = join(dir, 'dead.jsonl');
  const outputs: OutputConfig[] = [{ ...common, name: 'slow', type: 'webhook', options: { url: slow.url, headers: {}, timeoutMs: 2000 } }];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: deadPath, delivery: { ...fast, capacity: 3 } });
  await dispatcher.publish([1, 2, 3, 4, 5].map((n) => alert(n)));
  await dispatcher.idle();
  const counts = dispatcher.deliveries[0]!.counts;
  assert.equal(counts.delivered, 3);
  assert.equal(counts.deadLettered.overflow, 2);
  assert.deepEqual(deadLetters(deadPath).map((d) => d.alert.output_fields.n), [4, 5]);
  await dispatcher.close(100);
});

test('each output has its own minimum priority and can be switched off', async (t) => {
  const dir = tempDir(t);
  const critical = await httpReceiver();
  const off = await httpReceiver();
  t.after(critical.close);
  t.after(off.close);
  const outputs: OutputConfig[] = [
    { ...common, minimumPriority: 'critical', name: 'pager', type: 'webhook', options: { url: critical.url, headers: {}, timeoutMs: 2000 } },
    { ...common, enabled: false, name: 'off', type: 'webhook', options: { url: off.url, headers: {}, timeoutMs: 2000 } },
  ];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: join(dir, 'd.jsonl') });
  await dispatcher.publish([alert(1, 'warning'), alert(2, 'critical'), alert(3, 'emergency')]);
  await dispatcher.idle();
  assert.deepEqual(critical.bodies.map((b) => (b as Alert).output_fields.n), [2, 3]);
  assert.equal(off.requests, 0);
  assert.equal(dispatcher.deliveries.length, 1);
  await dispatcher.close(100);
});

test('Slack gets a readable message: priority and rule as title, the output, the fields', async (t) => {
  const dir = tempDir(t);
  const slack = await httpReceiver();
  t.after(slack.close);
  const outputs: OutputConfig[] = [{ ...common, name: 'slack', type: 'slack', options: { url: slack.url, timeoutMs: 2000 } }];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: join(dir, 'd.jsonl') });
  await dispatcher.publish([alert(7, 'critical')]);
  await dispatcher.idle();
  const message = slack.bodies[0] as { text: string; blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }> };
  assert.equal(message.text, 'Critical: Exec into pod: 10:00:00.123456789: Critical exec into pod n=7');
  assert.equal(message.blocks[0]!.text!.text, 'Critical: Exec into pod');
  assert.match(message.blocks[1]!.text!.text, /exec into pod n=7/);
  assert.deepEqual(message.blocks[2]!.fields!.map((f) => f.text), ['*n*\n7', '*ka.user.name*\nalice']);
  await dispatcher.close(100);
});

const RFC5424 = /^<(\d+)>1 (\S+) (\S+) (\S+) (\d+) alert \[vigil@32473 rule="([^"]*)" priority="(\w+)" source="(\w+)"\] (.*)$/s;

test('syslog: RFC 5424 over UDP, and over TCP with octet counting through a receiver restart', async (t) => {
  const dir = tempDir(t);
  const udp = await udpReceiver();
  t.after(udp.close);
  let tcp = await tcpReceiver();
  const port = tcp.port;
  const syslog = { facility: 16, appName: 'vigil', timeoutMs: 1000, host: '127.0.0.1' };
  const outputs: OutputConfig[] = [
    { ...common, name: 'udp', type: 'syslog', options: { ...syslog, port: udp.port, protocol: 'udp' } },
    { ...common, name: 'tcp', type: 'syslog', options: { ...syslog, port, protocol: 'tcp' } },
  ];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: join(dir, 'd.jsonl'), delivery: { ...fast, attempts: 50, backoffMs: 20 } });
  await dispatcher.publish([alert(1, 'critical'), alert(2, 'notice')]);
  await dispatcher.idle();
  await until(() => udp.messages.length === 2);
  const m = RFC5424.exec(udp.messages[0]!)!;
  assert.ok(m, udp.messages[0]);
  assert.equal(Number(m[1]), 16 * 8 + 2); // local0.crit
  assert.equal(m[2], '2026-11-25T10:00:01.123456Z');
  assert.deepEqual([m[3], m[4], m[6], m[7], m[8]], ['node-1', 'vigil', 'Exec into pod', 'Critical', 'k8s_audit']);
  assert.equal(m[9], '10:00:00.123456789: Critical exec into pod n=1');
  assert.equal(Number(RFC5424.exec(udp.messages[1]!)![1]), 16 * 8 + 5); // local0.notice
  await until(() => tcp.messages.length === 2);
  assert.deepEqual(tcp.messages.map((x) => RFC5424.exec(x)![9]), udp.messages.map((x) => RFC5424.exec(x)![9]));

  // The TCP receiver goes away and comes back on the same port: nothing is lost.
  await tcp.close();
  await new Promise((r) => setTimeout(r, 50)); // syslog over TCP has no acknowledgements: let the hang-up arrive
  await dispatcher.publish([alert(3)]);
  await new Promise((r) => setTimeout(r, 100));
  tcp = await tcpReceiver(port);
  t.after(tcp.close);
  await dispatcher.idle();
  await until(() => tcp.messages.length === 1);
  assert.match(tcp.messages[0]!, /n=3$/);
  assert.equal(dispatcher.deliveries[1]!.counts.deadLettered.failed, 0);
  await dispatcher.close(100);
});

test('the JSON-lines file rotates by size and keeps the newest files', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'alerts.jsonl');
  const line = JSON.stringify(alert(10)).length + 1;
  const outputs: OutputConfig[] = [{ ...common, name: 'file', type: 'file', options: { path, maxBytes: line * 3, keep: 2 } }];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: join(dir, 'd.jsonl') });
  for (let n = 10; n < 20; n++) await dispatcher.publish([alert(n)]);
  await dispatcher.close(100);
  const read = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Alert).output_fields.n);
  assert.deepEqual(readdirSync(dir).sort(), ['alerts.jsonl', 'alerts.jsonl.1', 'alerts.jsonl.2']);
  assert.deepEqual([...read(`${path}.2`), ...read(`${path}.1`), ...read(path)], [13, 14, 15, 16, 17, 18, 19]);
});

test('stdout writes Falco JSON or the text line', async () => {
  for (const format of ['json', 'text'] as const) {
    const stream = new PassThrough();
    await stdoutOutput('stdout', { format }, stream).send([alert(1), alert(2)]);
    const lines = stream.read().toString().trim().split('\n');
    if (format === 'json') assert.deepEqual(lines.map((l: string) => JSON.parse(l).output_fields.n), [1, 2]);
    else assert.deepEqual(lines, [alert(1).output, alert(2).output]);
  }
});

test('identical alerts within the window go out once, then as one aggregate with a count; the store gets every one', async (t) => {
  const dir = tempDir(t);
  const hook = await httpReceiver();
  t.after(hook.close);
  const store = await openAlertStore(join(dir, 'vigil.db'));
  t.after(() => store.close());
  const outputs: OutputConfig[] = [
    { ...common, dedup: true, name: 'hook', type: 'webhook', options: { url: hook.url, headers: {}, timeoutMs: 2000 } },
    { ...common, name: 'store', type: 'store', options: {} },
  ];
  const dispatcher = createDispatcher({ outputs, dedup: { windowMs: 60_000, fields: ['ka.user.name'] }, deadLetterPath: join(dir, 'd.jsonl') }, { store });
  const same = [1, 2, 3, 4, 5].map((n) => alert(n));
  await dispatcher.publish([...same, alert(6, 'warning', 'Other rule')]);
  // publish resolves only once the store has the alerts.
  assert.equal((await store.query()).alerts.length, 6);
  await dispatcher.idle();
  assert.deepEqual(hook.bodies.map((b) => (b as Alert).rule), ['Exec into pod', 'Other rule']);
  assert.equal(dispatcher.suppressed, 4);

  await dispatcher.close(1000);
  assert.equal(hook.bodies.length, 3);
  const aggregate = hook.bodies[2] as Alert;
  assert.equal(aggregate.vigil!.count, 4);
  assert.equal(aggregate.output_fields.n, 5);
  assert.match(aggregate.output, /n=5 \(repeated 4 more times in 60s\)$/);
});

test('dead-lettered alerts are re-sent to their output once it is back; what fails again is kept again', async (t) => {
  const dir = tempDir(t);
  let up = false;
  const hook = await httpReceiver(() => (up ? 200 : 500));
  t.after(hook.close);
  const deadPath = join(dir, 'dead.jsonl');
  const outputs: OutputConfig[] = [{ ...common, name: 'hook', type: 'webhook', options: { url: hook.url, headers: {}, timeoutMs: 2000 } }];
  const dispatcher = createDispatcher({ outputs, dedup: noDedup, deadLetterPath: deadPath, delivery: { ...fast, attempts: 2 } });
  await dispatcher.publish([alert(1), alert(2)]);
  await dispatcher.idle();
  assert.equal(deadLetters(deadPath).length, 2);

  // Still down: the alerts go back to the file, nothing lost.
  assert.equal(await dispatcher.redeliver(), 2);
  assert.deepEqual(deadLetters(deadPath).map((d) => d.alert.output_fields.n), [1, 2]);
  assert.deepEqual(readdirSync(dir), ['dead.jsonl']);

  up = true;
  assert.equal(await dispatcher.redeliver(), 2);
  assert.deepEqual(hook.bodies.map((b) => (b as Alert).output_fields.n), [1, 2]);
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(await dispatcher.redeliver(), 0);
  await dispatcher.close(100);
});
