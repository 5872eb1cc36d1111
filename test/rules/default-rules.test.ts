import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuleFiles, runRuleTests } from '../../src/engine/index.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';

const set = loadRuleFiles([DEFAULT_RULES_DIR]);

test('the default rules load with no error and no warning', () => {
  assert.deepEqual(set.errors, []);
  assert.deepEqual(set.warnings, []);
  assert.ok(set.rules.length >= 25, `${set.rules.length} rules`);
});

test('every default rule has MITRE tags, an output and a source vigil runs', () => {
  for (const rule of set.rules) {
    assert.ok(rule.tags.some((t) => /^T\d{4}/.test(t)), `${rule.name} has a technique tag`);
    assert.ok(rule.tags.some((t) => t.startsWith('mitre_')), `${rule.name} has a tactic tag`);
    assert.ok(rule.filter, `${rule.name} runs`);
  }
});

test('every default rule fires on its positive cases and stays silent on its negatives', () => {
  const outcomes = runRuleTests(set, [DEFAULT_RULES_DIR]);
  assert.deepEqual(outcomes.filter((o) => o.problem), []);
  for (const rule of set.rules) {
    for (const expect of ['fires', 'silent'] as const) {
      assert.ok(outcomes.some((o) => o.rule === rule.name && o.expect === expect), `${rule.name} has a '${expect}' case`);
    }
  }
});
