import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect, engineFor, loadRuleFiles } from '../../src/engine/index.js';
import { cannotHaveType } from '../../src/engine/prefilter.js';
import { findSource, readInputBatches } from '../../src/sources/index.js';
import { writeCorpus, random, type CorpusKind } from '../../bench/corpus.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';
import type { Alert } from '../../src/records/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-prefilter-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const official = join(DEFAULT_RULES_DIR, '../../shared/conformance/falco/rules');

test('a line is passed over only when its type member provably holds none of the rules\' types', () => {
  const unmatchable = cannotHaveType('verb', new Set(['create', 'get']));
  const cases: Array<[string, boolean]> = [
    ['{"verb":"list"}', true],
    ['{"kind":"Event","note":"verb","verb":"list"}', true], // "verb" as a value is not the member
    ['{"auditID":"x"}', false], // no type member: odd enough to be parsed
    [' {"verb" : "watch"}\t', true],
    ['{"verb":"get"}', false],
    ['{"verb":\t"create"}', false],
    ['{"verb":"list","requestObject":{"verb":"list"}}', false], // written twice: parse to be sure
    ['{"verb":5}', false], // not a plain string
    ['{"verb":"\\u0067et"}', false], // an escape could spell a type
    ['{"v\\u0065rb":"get"}', false],
    ['{"verb":"list"', false], // not whole: parsed, so that it is reported
    ['[{"verb":"list"}]', false],
  ];
  for (const [line, expected] of cases) assert.equal(unmatchable(line), expected, line);
});

/** The same events written in ways the raw-text proof must see through, or give up on. */
function variants(lines: string[], kind: CorpusKind, seed: number): string[] {
  const rand = random(seed);
  const key = kind === 'k8s_audit' ? 'verb' : 'eventName';
  return lines.map((line) => {
    const doc = JSON.parse(line) as Record<string, unknown>;
    switch (Math.floor(rand() * 8)) {
      case 0: // spaces around every colon and comma
        return JSON.stringify(doc, null, 1).replace(/\n\s*/g, ' ');
      case 1: // a nested member of the same name, holding a type rules look for
        return JSON.stringify({ ...doc, extra: { [key]: kind === 'k8s_audit' ? 'create' : 'ConsoleLogin' } });
      case 2: // the type spelled with an escape
        return line.replace(`"${key}":"`, `"${key}":"\\u00${(doc[key] as string).charCodeAt(0).toString(16)}`).replace(/(\\u00[0-9a-f]{2})./, '$1');
      case 3: // a container of two events on one line
        return kind === 'k8s_audit' ? JSON.stringify({ kind: 'EventList', items: [doc, doc] }) : JSON.stringify({ Records: [doc, doc] });
      case 4: // the type member missing
        return JSON.stringify({ ...doc, [key]: undefined });
      default:
        return line;
    }
  });
}

async function run(file: string, kind: CorpusKind, rules: string[], filtered: boolean) {
  const engine = engineFor(loadRuleFiles(rules));
  const source = findSource(kind)!;
  const unmatchable = filtered ? engine.lineFilter(source) : undefined;
  const out = { events: 0, alerts: [] as Alert[], errors: [] as string[], filtered: unmatchable !== undefined };
  for await (const d of detect(engine, readInputBatches([file], { format: 'jsonl', unmatchable }), source)) {
    out.events += d.events;
    out.alerts.push(...d.alerts);
    out.errors.push(...d.errors.map((e) => e.message));
  }
  return out;
}

for (const kind of ['k8s_audit', 'aws_cloudtrail'] as const) {
  test(`${kind}: lines passed over unparsed change no alert, no count and no error (generated events and variants)`, async () => {
    const file = join(dir, `${kind}.jsonl`);
    await writeCorpus(kind, 4000, file, 11);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${[...lines, ...variants(lines, kind, 5)].join('\n')}\n`);
    const officialRules = join(official, kind === 'k8s_audit' ? 'k8s_audit_rules.yaml' : 'aws_cloudtrail_rules.yaml');
    let exercised = 0;
    for (const rules of [[officialRules], [DEFAULT_RULES_DIR]]) {
      const plain = await run(file, kind, rules, false);
      const filtered = await run(file, kind, rules, true);
      if (filtered.filtered) exercised++;
      assert.ok(plain.alerts.length > 20, `${plain.alerts.length} alerts`);
      assert.equal(filtered.events, plain.events);
      assert.deepEqual(filtered.errors, plain.errors);
      assert.deepEqual(filtered.alerts, plain.alerts);
    }
    assert.ok(exercised > 0, 'no rule set let lines be passed over');
  });
}
