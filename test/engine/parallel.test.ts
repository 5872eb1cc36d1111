import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect, engineFor, evaluateInParallel, loadRuleFiles } from '../../src/engine/index.js';
import { findSource, readInputBatches } from '../../src/sources/index.js';
import { writeCorpus } from '../../bench/corpus.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';
import type { Alert } from '../../src/records/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-parallel-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const officialK8s = join(DEFAULT_RULES_DIR, '../../shared/conformance/falco/rules/k8s_audit_rules.yaml');

async function single(file: string, rules: string[]): Promise<{ alerts: Alert[]; errors: string[] }> {
  const engine = engineFor(loadRuleFiles(rules));
  const out = { alerts: [] as Alert[], errors: [] as string[] };
  for await (const d of detect(engine, readInputBatches([file]), findSource('k8s_audit')!)) {
    out.errors.push(...d.errors.map((e) => e.message));
    out.alerts.push(...d.alerts);
  }
  return out;
}

async function parallel(file: string, rules: string[], workers: number, chunkBytes = 64 * 1024) {
  const out = { alerts: [] as Alert[], errors: [] as string[] };
  for await (const b of evaluateInParallel([file], { rules, source: 'k8s_audit', workers, chunkBytes })) {
    out.alerts.push(...b.alerts);
    out.errors.push(...b.errors);
  }
  return out;
}

test('worker threads raise exactly the alerts of one thread, in the same order, with the same origins', async () => {
  const file = join(dir, 'k8s.jsonl');
  await writeCorpus('k8s_audit', 6000, file, 7);
  for (const rules of [[officialK8s], [DEFAULT_RULES_DIR]]) {
    const one = await single(file, rules);
    assert.ok(one.alerts.length > 50, `${one.alerts.length} alerts`);
    for (const workers of [1, 2, 3]) {
      const many = await parallel(file, rules, workers);
      assert.deepEqual(many.alerts.map((a) => ({ ...a, hostname: '' })), one.alerts.map((a) => ({ ...a, hostname: '' })));
    }
  }
});

test('a malformed line is reported as one thread reports it, and the lines around it are evaluated', async () => {
  const file = join(dir, 'broken.jsonl');
  const lines = readFileSync(join(dir, 'k8s.jsonl'), 'utf8').split('\n').slice(0, 3000);
  lines.splice(1500, 0, '{"kind": "Event", "auditID": ');
  lines.splice(2200, 0, '{"kind": "Pod"}');
  writeFileSync(file, lines.join('\n'));
  appendFileSync(file, '\n');
  const many = await parallel(file, [officialK8s], 2);
  assert.equal(many.errors.length, 2);
  assert.match(many.errors[0]!, /broken\.jsonl:1501:\d+: JSON document is not terminated/);
  assert.match(many.errors[1]!, /broken\.jsonl:2201: data not recognized as a k8s audit event/);
  const one = await single(file, [officialK8s]);
  assert.deepEqual(many.errors, one.errors);
  assert.deepEqual(many.alerts.map((a) => a.vigil!.origin), one.alerts.map((a) => a.vigil!.origin));
});

test('in big chunks, lines longer than a decoded slice, blank lines and bad lines keep their places', async () => {
  const file = join(dir, 'long.jsonl');
  const lines = readFileSync(join(dir, 'k8s.jsonl'), 'utf8').split('\n').slice(0, 3000);
  const huge = JSON.parse(lines[10]!) as Record<string, unknown>;
  huge.requestObject = { note: 'é'.repeat(100_000) };
  lines.splice(10, 1, JSON.stringify(huge));
  lines.splice(400, 0, '', '   ', '{"kind": "Event", "auditID": ');
  lines.splice(2900, 0, '{"kind": "Pod"}');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const one = await single(file, [officialK8s]);
  assert.equal(one.errors.length, 2);
  for (const chunkBytes of [1 << 20, 300 * 1024]) {
    const many = await parallel(file, [officialK8s], 2, chunkBytes);
    assert.deepEqual(many.errors, one.errors);
    assert.deepEqual(many.alerts.map((a) => ({ ...a, hostname: '' })), one.alerts.map((a) => ({ ...a, hostname: '' })));
  }
});
