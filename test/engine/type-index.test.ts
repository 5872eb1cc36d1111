import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requiredValues } from '../../src/engine/type-index.js';
import { parseCondition } from '../../src/rules/condition/index.js';

const values = (condition: string) => {
  const set = requiredValues(parseCondition(condition), 'ct.name');
  return set && [...set].sort();
};

test('equality and membership pin the field down', () => {
  assert.deepEqual(values('ct.name = StopLogging'), ['StopLogging']);
  assert.deepEqual(values('ct.name in (DeleteTrail, StopLogging) and ct.user = x'), ['DeleteTrail', 'StopLogging']);
  assert.deepEqual(values('(ct.name = A or ct.name in (B, C)) and not ct.error exists'), ['A', 'B', 'C']);
  assert.deepEqual(values('ct.name in (A, B) and ct.name = B'), ['B']);
  assert.deepEqual(values('ct.name = A and ct.name = B'), []);
});

test('anything that does not pin the field leaves the rule for every event', () => {
  assert.equal(values('ct.user = root'), undefined);
  assert.equal(values('ct.name = A or ct.user = root'), undefined);
  assert.equal(values('not ct.name = A'), undefined);
  assert.equal(values('ct.name startswith Stop'), undefined);
  assert.equal(values('tolower(ct.name) = stoplogging'), undefined);
  assert.equal(values('ct.name != A'), undefined);
  assert.equal(values('ct.name[x] = A'), undefined);
});
