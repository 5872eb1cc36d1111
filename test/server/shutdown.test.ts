import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startService } from '../../src/server/index.js';
import { openAlertStore } from '../../src/store/index.js';
import { auditEvent, eventList, get, post, tempDir, testOptions, testParts } from './fixture.js';
import { httpReceiver, until } from '../outputs/receivers.js';
import { DATABASES } from '../store/databases.js';
import pg from 'pg';

const burst = (n: number, size: number) => Array.from({ length: n }, () => eventList(...Array.from({ length: size }, () => auditEvent('create', 'pods'))));

/** Starts the service in a child process; resolves with its URL and its exit. */
async function child(t: { after: (fn: () => void) => void }, dir: string, pipeline: object, msPerEvent: number) {
  const proc = spawn(process.execPath, [fileURLToPath(new URL('./child.js', import.meta.url)), dir, JSON.stringify(pipeline), String(msPerEvent)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => proc.kill('SIGKILL'));
  const exited = once(proc, 'exit') as Promise<[number]>;
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const url = (await lines.next()).value as string;
  /** Resolves when the service prints a line matching `pattern`. */
  const said = async (pattern: RegExp) => {
    for (let line = await lines.next(); !line.done; line = await lines.next()) if (pattern.test(line.value)) return;
    throw new Error(`the service never said ${pattern}`);
  };
  return { url, proc, exited, said };
}

async function storedAlerts(t: { after: (fn: () => Promise<void>) => void }, dir: string): Promise<number> {
  const store = await openAlertStore(join(dir, 'vigil.db'));
  t.after(() => store.close());
  return (await store.stats({ bucketMs: 86_400_000 })).total;
}

test('a full queue answers 429 with Retry-After while the store is slow; everything accepted is stored', async (t) => {
  const { location, drop } = await DATABASES.find((d) => d.kind === 'postgres')!.create();
  const dir = tempDir(t);
  const service = await startService(testOptions(dir, { store: location, pipeline: { capacity: 10, batchSize: 5 } }), testParts());
  // The database holds every insert until the lock is released: the pipeline stalls.
  const lock = new pg.Client({ connectionString: location });
  await lock.connect();
  t.after(async () => {
    await lock.end();
    await service.close();
    await drop();
  });
  await lock.query('BEGIN; LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE');
  const pending = [post(`${service.url}/ingest/k8s_audit`, burst(1, 5)[0]!)];
  await until(() => service.pipeline.depth === 5);
  pending.push(post(`${service.url}/ingest/k8s_audit`, burst(1, 5)[0]!));
  await until(() => service.pipeline.depth === 10);
  const refused = await Promise.all(burst(3, 5).map((list) => post(`${service.url}/ingest/k8s_audit`, list)));
  assert.deepEqual(refused.map((r) => [r.status, r.headers.get('retry-after'), r.body.reason]), Array(3).fill([429, '1', 'backpressure']));

  await lock.query('COMMIT');
  const accepted = await Promise.all(pending);
  assert.deepEqual(accepted.map((r) => r.body), [{ events: 5, alerts: 5 }, { events: 5, alerts: 5 }]);
  assert.equal((await service.store.query()).alerts.length, 10);
  const metrics = (await get(`${service.url}/metrics`)).body as string;
  assert.match(metrics, /vigil_requests_rejected_total\{reason="backpressure"\} 3\n/);
  assert.match(metrics, /vigil_queue_depth 0\n/);
});

test('a webhook that is down while events arrive gets every alert once it recovers', async (t) => {
  const dir = tempDir(t);
  let up = false;
  const hook = await httpReceiver(() => (up ? 200 : 503));
  t.after(hook.close);
  const options = testOptions(dir);
  options.outputs.outputs.push({ name: 'hook', type: 'webhook', enabled: true, minimumPriority: 'debug', dedup: true, options: { url: hook.url, headers: {}, timeoutMs: 1000 } });
  options.outputs.delivery = { attempts: 1000, backoffMs: 10, maxBackoffMs: 50 };
  const service = await startService(options, testParts());
  t.after(() => service.close());
  for (const list of burst(5, 2)) assert.equal((await post(`${service.url}/ingest/k8s_audit`, list)).status, 200);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(hook.bodies.length, 0);
  up = true;
  await service.dispatcher.idle();
  assert.equal(hook.bodies.length, 10);
  assert.equal(service.dispatcher.deadLetter.kept, 0);
  assert.ok(service.dispatcher.deliveries[1]!.counts.failures > 0);
});

test('SIGTERM in the middle of a burst: intake stops, and every accepted event is evaluated and stored', async (t) => {
  const dir = tempDir(t);
  const { url, proc, exited, said } = await child(t, dir, { capacity: 100_000, batchSize: 20 }, 0.3);
  const send = (list: object) => post(`${url}/ingest/k8s_audit`, list).catch(() => ({ status: 0, body: undefined }));
  let answered = 0;
  let late: Promise<Array<{ status: number }>> | undefined;
  const burstSent = burst(120, 10).map((list) =>
    send(list).then((r) => {
      if (++answered === 10) {
        proc.kill('SIGTERM');
        // Sent once the service has begun to stop: none may be taken.
        late = said(/SIGTERM/).then(() => Promise.all(burst(20, 10).map(send)));
      }
      return r;
    }),
  );
  const responses = await Promise.all(burstSent);
  const lateResponses = await late!;
  assert.deepEqual(await exited, [0, null]);

  const accepted = responses.filter((r) => r.status === 200);
  const notAccepted = [...responses.filter((r) => r.status !== 200), ...lateResponses];
  assert.ok(accepted.length >= 10);
  assert.ok(lateResponses.every((r) => r.status !== 200));
  // Refused at the door (connection refused or closed, or 503 while closing), never half-done.
  assert.ok(notAccepted.every((r) => r.status === 0 || r.status === 503), JSON.stringify(notAccepted.map((r) => r.status)));
  assert.equal(accepted.reduce((n, r) => n + r.body.alerts, 0), accepted.length * 10);
  assert.equal(await storedAlerts(t, dir), accepted.length * 10);
});
