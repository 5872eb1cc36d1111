import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAlertStore, type AlertStore } from '../../src/store/index.js';
import { displayPriority, type Alert, type Priority } from '../../src/records/index.js';
import { DATABASES } from './databases.js';

function alert(rule: string, priority: Priority, time: string, extra: Partial<Alert> = {}): Alert {
  return {
    time,
    rule,
    priority: displayPriority(priority),
    output: `${time.slice(11, 19)}: ${displayPriority(priority)} ${rule} by user=alice`,
    output_fields: { 'ka.user.name': 'alice' },
    source: 'k8s_audit',
    tags: ['k8s', 'MITRE_T1078'],
    hostname: 'h',
    vigil: { priority, event: { kind: 'Event', verb: 'create' } },
    ...extra,
  };
}

for (const { kind, create } of DATABASES) {
  async function withStore(t: { after: (fn: () => Promise<void>) => void }): Promise<{ store: AlertStore; location: string }> {
    const { location, drop } = await create();
    const store = await openAlertStore(location);
    t.after(async () => {
      await store.close().catch(() => {});
      await drop();
    });
    return { store, location };
  }

  test(`${kind}: alerts are kept with their event across reopening, newest first`, async (t) => {
    const { store, location } = await withStore(t);
    assert.equal(store.kind, kind);
    assert.equal(await store.insert([alert('A', 'warning', '2026-11-25T10:00:00.000000001Z'), alert('B', 'critical', '2026-11-25T10:05:00Z')]), 2);
    await store.close();

    const again = await openAlertStore(location); // migrations run once: reopening is a no-op
    t.after(() => again.close().catch(() => {}));
    const page = await again.query();
    assert.deepEqual(page.alerts.map((a) => a.alert.rule), ['B', 'A']);
    assert.equal(page.next, undefined);
    const a = page.alerts[1]!;
    assert.equal(a.alert.time, '2026-11-25T10:00:00.000000001Z');
    assert.deepEqual(a.alert.vigil!.event, { kind: 'Event', verb: 'create' });
    assert.deepEqual((await again.get(a.id))!.alert, a.alert);
    assert.equal(await again.get('999999'), undefined);
    assert.equal(await again.get('not-an-id'), undefined);
  });

  test(`${kind}: filters by rule, priority at least, source, tag, time range and words of the output`, async (t) => {
    const { store } = await withStore(t);
    await store.insert([
      alert('Create pod', 'notice', '2026-11-25T10:00:00Z'),
      alert('Exec into pod', 'warning', '2026-11-25T11:00:00Z', { output: 'Exec into pod 50%_done by user=Mallory' }),
      alert('Root login', 'critical', '2026-11-25T12:00:00Z', { source: 'okta', tags: ['okta', 'identity'] }),
    ]);
    const rules = async (q: Parameters<AlertStore['query']>[0]) => (await store.query(q)).alerts.map((a) => a.alert.rule);
    assert.deepEqual(await rules({ rule: 'Create pod' }), ['Create pod']);
    assert.deepEqual(await rules({ priority: 'warning' }), ['Root login', 'Exec into pod']);
    assert.deepEqual(await rules({ source: 'okta' }), ['Root login']);
    assert.deepEqual(await rules({ tag: 'MITRE_T1078' }), ['Exec into pod', 'Create pod']);
    assert.deepEqual(await rules({ tag: 'mitre' }), []);
    assert.deepEqual(await rules({ from: '2026-11-25T10:30:00Z', to: '2026-11-25T12:00:00Z' }), ['Exec into pod']);
    assert.deepEqual(await rules({ text: 'mallory EXEC' }), ['Exec into pod']);
    assert.deepEqual(await rules({ text: '50%_' }), ['Exec into pod']);
    assert.deepEqual(await rules({ text: '%' }), ['Exec into pod']);
    assert.deepEqual(await rules({ source: 'k8s_audit', priority: 'notice', text: 'alice' }), ['Create pod']);
    await assert.rejects(store.query({ from: 'yesterday' }), /from: not a time/);
  });

  test(`${kind}: cursor pagination walks every alert once`, async (t) => {
    const { store } = await withStore(t);
    const many = Array.from({ length: 1203 }, (_, i) => alert(`R${i % 7}`, 'notice', new Date(Date.UTC(2026, 10, 25, 0, 0, i)).toISOString()));
    assert.equal(await store.insert(many), 1203);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.query({ rule: 'R3', limit: 50, cursor });
      seen.push(...page.alerts.map((a) => a.id));
      cursor = page.next;
      pages++;
    } while (cursor);
    assert.equal(seen.length, many.filter((a) => a.rule === 'R3').length);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(pages, Math.ceil(seen.length / 50));
    await assert.rejects(store.query({ cursor: 'garbage' }), /cursor/);
  });

  test(`${kind}: stats count by priority, rule and source per time bucket`, async (t) => {
    const { store } = await withStore(t);
    await store.insert([
      alert('A', 'warning', '2026-11-25T10:01:00Z'),
      alert('A', 'warning', '2026-11-25T10:59:00Z'),
      alert('B', 'critical', '2026-11-25T10:30:00Z', { source: 'github' }),
      alert('A', 'warning', '2026-11-25T12:00:00Z'),
    ]);
    const stats = await store.stats({ bucketMs: 3_600_000 });
    assert.equal(stats.total, 4);
    assert.deepEqual(stats.priority, { warning: 3, critical: 1 });
    assert.deepEqual(stats.rule, { A: 3, B: 1 });
    assert.deepEqual(stats.source, { k8s_audit: 3, github: 1 });
    assert.deepEqual(
      stats.buckets.map((b) => [b.start, b.total, b.rule]),
      [
        ['2026-11-25T10:00:00.000Z', 3, { A: 2, B: 1 }],
        ['2026-11-25T12:00:00.000Z', 1, { A: 1 }],
      ],
    );
    const critical = await store.stats({ bucketMs: 86_400_000, priority: 'critical' });
    assert.deepEqual(critical.rule, { B: 1 });
  });

  test(`${kind}: retention deletes what was stored longer ago than the age; checkpoints persist`, async (t) => {
    const { store } = await withStore(t);
    await store.insert([alert('Old', 'notice', '2026-11-25T10:00:00Z')]);
    assert.equal(await store.purgeOlderThan(60_000), 0);
    assert.equal(await store.purgeOlderThan(60_000, Date.now() + 120_000), 1);
    assert.equal((await store.query()).alerts.length, 0);

    assert.equal(await store.checkpoint('examples/k8s_audit.jsonl'), undefined);
    await store.saveCheckpoint('examples/k8s_audit.jsonl', '10');
    await store.saveCheckpoint('examples/k8s_audit.jsonl', '20');
    assert.equal(await store.checkpoint('examples/k8s_audit.jsonl'), '20');
  });
}
