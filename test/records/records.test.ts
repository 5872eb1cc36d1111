import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePriority, displayPriority, atLeast, fingerprint } from '../../src/records/index.js';

test('priorities parse in any case, with Falco aliases', () => {
  assert.equal(parsePriority('WARNING'), 'warning');
  assert.equal(parsePriority('Info'), 'informational');
  assert.equal(parsePriority('emergency'), 'emergency');
  assert.equal(parsePriority('loud'), undefined);
  assert.equal(displayPriority('critical'), 'Critical');
});

test('atLeast orders by severity', () => {
  assert.ok(atLeast('critical', 'warning'));
  assert.ok(atLeast('warning', 'warning'));
  assert.ok(!atLeast('notice', 'warning'));
});

test('fingerprints are stable and separate their parts', () => {
  assert.equal(fingerprint('secret', 'a', 'b'), fingerprint('secret', 'a', 'b'));
  assert.notEqual(fingerprint('secret', 'ab', ''), fingerprint('secret', 'a', 'b'));
  assert.notEqual(fingerprint('secret', 'a'), fingerprint('drift', 'a'));
});
