import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, type EngineRule, isoNanos, parseTimeNanos } from '../../src/engine/index.js';
import { compileCondition, parseCondition, SlotTable } from '../../src/rules/condition/index.js';
import { findSource } from '../../src/sources/index.js';
import type { Priority } from '../../src/records/index.js';
import { FieldCatalog } from '../../src/rules/fields.js';
import type { VigilEvent } from '../../src/sources/index.js';

const json = findSource('json')!;

function rule(slots: SlotTable, name: string, condition: string, priority: Priority): EngineRule {
  const { filter } = compileCondition(parseCondition(condition), json.catalog, { slots });
  return {
    name,
    priority,
    source: 'json',
    tags: ['test'],
    filter,
    render: () => ({ output: `${name} fired`, fields: {} }),
  };
}

test('the engine offers each event to its source rules and builds Falco alerts', () => {
  const slots = new SlotTable();
  const engine = new Engine(
    [
      rule(slots, 'Root login', 'json.value[/user] = root', 'critical'),
      rule(slots, 'Any login', 'json.value[/action] = login', 'informational'),
    ],
    slots,
    { hostname: 'h1' },
  );
  const timeNs = parseTimeNanos('2026-11-25T10:00:00.123456789Z')!;
  const alerts = engine.evaluate({ source: 'json', data: { user: 'root', action: 'login' }, timeNs });
  assert.deepEqual(alerts.map((a) => a.rule), ['Root login', 'Any login']);
  assert.equal(alerts[0]!.time, '2026-11-25T10:00:00.123456789Z');
  assert.equal(alerts[0]!.priority, 'Critical');
  assert.equal(alerts[0]!.output, '10:00:00.123456789: Critical Root login fired');
  assert.equal(alerts[0]!.hostname, 'h1');
  assert.deepEqual(engine.evaluate({ source: 'json', data: { user: 'alice' } }), []);
  assert.deepEqual(engine.evaluate({ source: 'k8s_audit', data: { user: 'root' } }), []);
});

test('a minimum priority drops the rules below it', () => {
  const slots = new SlotTable();
  const engine = new Engine(
    [rule(slots, 'Loud', 'json.value[/a] exists', 'error'), rule(slots, 'Quiet', 'json.value[/a] exists', 'debug')],
    slots,
    { minimumPriority: 'warning' },
  );
  assert.deepEqual(engine.evaluate({ source: 'json', data: { a: 1 } }).map((a) => a.rule), ['Loud']);
});

test('times print with nanoseconds and parse back', () => {
  assert.equal(isoNanos(1_700_000_000_000_000_001n), '2023-11-14T22:13:20.000000001Z');
  assert.equal(isoNanos(1_700_000_000_999_999_999n), '2023-11-14T22:13:20.999999999Z');
  assert.equal(isoNanos(1_700_000_001_000_000_000n), '2023-11-14T22:13:21.000000000Z');
  assert.equal(isoNanos(-1n), '1969-12-31T23:59:59.999999999Z');
  assert.equal(parseTimeNanos('2023-11-14T22:13:20Z'), 1_700_000_000_000_000_000n);
  assert.equal(parseTimeNanos('2023-11-14T23:13:20.5+01:00'), 1_700_000_000_500_000_000n);
  assert.equal(parseTimeNanos('yesterday'), undefined);
});

test('times within the second last parsed read the same as any other', () => {
  // The reference: Date.parse for the second, the fraction's digits for the nanoseconds.
  const reference = (text: string): bigint | undefined => {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
    if (!m) return undefined;
    return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  };
  const second = '2026-11-25T10:00:07';
  const tails = ['Z', '.5Z', '.05Z', '.123456Z', '.123456789Z', '.000000001Z', '.999999999Z', '.Z', '.1234567890Z', '.12a4Z', '.123', 'z', '.1z', '+00:00', '.5+01:00', ' Z', 'Z ', '.-1Z'];
  for (const tail of tails) {
    parseTimeNanos(`${second}Z`); // remember the second, so the next parse takes the fast path
    const text = `${second}${tail}`;
    const expected = reference(text) ?? (Number.isNaN(Date.parse(text)) ? undefined : BigInt(Date.parse(text)) * 1_000_000n);
    assert.equal(parseTimeNanos(text), expected, text);
  }
});

test('with a type field, an event meets only the rules that can match its type, in load order', () => {
  const read = (key: string) => (event: unknown) => ((event as VigilEvent).data as Record<string, string>)[key];
  const catalog = new FieldCatalog('t', [
    { name: 't.type', type: 'PT_CHARBUF', isList: false, arg: 'none', argKind: 'none', description: '', extract: read('type') },
    { name: 't.user', type: 'PT_CHARBUF', isList: false, arg: 'none', argKind: 'none', description: '', extract: read('user') },
  ]);
  const slots = new SlotTable();
  const make = (name: string, text: string): EngineRule => {
    const condition = parseCondition(text);
    const { filter } = compileCondition(condition, catalog, { slots });
    return { name, priority: 'warning', source: 't', tags: [], filter, condition, render: () => ({ output: name, fields: {} }) };
  };
  let reads = 0;
  const typeField = { name: 't.type', read: (e: VigilEvent) => (reads++, read('type')(e)) };
  const engine = new Engine(
    [make('A', 't.type = a'), make('Any', 't.user = root'), make('AB', 't.type in (a, b) and t.user = root')],
    slots,
    { typeFields: { t: typeField } },
  );
  const fired = (data: object) => engine.evaluate({ source: 't', data }).map((a) => a.rule);
  assert.deepEqual(fired({ type: 'a', user: 'root' }), ['A', 'Any', 'AB']);
  assert.deepEqual(fired({ type: 'b', user: 'root' }), ['Any', 'AB']);
  assert.deepEqual(fired({ type: 'c', user: 'root' }), ['Any']);
  assert.deepEqual(fired({ type: 'b', user: 'alice' }), []);
  assert.equal(reads, 4);
});
