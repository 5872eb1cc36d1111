import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../src/engine/index.js';
import type { Alert } from '../../src/records/index.js';
import type { VigilEvent } from '../../src/sources/index.js';

const alert = (rule: string): Alert => ({ time: '2026-11-25T10:00:00Z', rule, priority: 'Warning', output: rule, output_fields: {}, source: 'json', tags: [], hostname: 'h', vigil: { priority: 'warning' } });
const event = (n: number): VigilEvent => ({ source: 'json', data: { n } });

test("the follow stage sees each submission's events in order after the rules; its alerts are published with theirs; when it fails, so does the submission", async () => {
  const published: string[] = [];
  const followed: number[] = [];
  const pipeline = new Pipeline({
    evaluate: (e) => [alert(`rule ${(e.data as { n: number }).n}`)],
    follow: async (events) => {
      followed.push(...events.map((e) => (e.data as { n: number }).n));
      if (events.some((e) => (e.data as { n: number }).n === 13)) throw new Error('findings store down');
      return events.filter((e) => (e.data as { n: number }).n % 2 === 0).map((e) => alert(`followed ${(e.data as { n: number }).n}`));
    },
    publish: async (alerts) => void published.push(...alerts.map((a) => a.rule)),
    saveCheckpoint: async () => {},
  });
  const [first, second] = await Promise.all([pipeline.submit([event(1), event(2)]), pipeline.submit([event(4)])]);
  assert.deepEqual([first, second], [3, 2]);
  assert.deepEqual(followed, [1, 2, 4]);
  assert.deepEqual(published, ['rule 1', 'rule 2', 'followed 2', 'rule 4', 'followed 4']);
  assert.equal(pipeline.counts.alerts, 5);

  await assert.rejects(pipeline.submit([event(13)]), /findings store down/);
  assert.ok(!published.includes('rule 13'), 'nothing of a failed submission is published');
  assert.equal(await pipeline.submit([event(6)]), 2, 'the pipeline goes on');
  await pipeline.drain();
});
