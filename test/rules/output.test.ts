import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldCatalog, type FieldDef } from '../../src/rules/fields.js';
import { compileOutput, OutputError } from '../../src/rules/output.js';

type Event = Record<string, unknown>;
const field = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name, type: 'PT_CHARBUF', isList: false, arg: 'none', argKind: 'none', description: name,
  extract: (e, arg) => (e as Event)[arg === undefined ? name : `${name}[${arg}]`] as never, ...extra,
});
const catalog = new FieldCatalog('test', [
  field('proc.name'),
  field('proc.args', { isList: true }),
  field('proc.aname', { arg: 'optional', argKind: 'index' }),
  field('evt.arg', { arg: 'required', argKind: 'key', dottedArg: true }),
  field('evt.count', { type: 'PT_UINT64' }),
]);

test('fields render their values; missing ones print <NA>, lists print (a,b)', () => {
  const out = compileOutput('name=%proc.name args=%proc.args parent=%proc.aname[1] n=%evt.count x=%evt.arg.fd', catalog);
  const event = { 'proc.name': 'bash', 'proc.args': ['-c', 'ls'], 'evt.count': 3 };
  assert.equal(out.render(event), 'name=bash args=(-c,ls) parent=<NA> n=3 x=<NA>');
  assert.deepEqual(out.fields, ['proc.name', 'proc.args', 'proc.aname[1]', 'evt.count', 'evt.arg.fd']);
  assert.deepEqual(out.values(event), { 'proc.name': 'bash', 'proc.args': '(-c,ls)', 'proc.aname[1]': null, 'evt.count': 3, 'evt.arg.fd': null });
  assert.equal(out.render({ 'proc.args': [] }).startsWith('name=<NA> args=<NA>'), true);
});

test('a token is the longest text that reads as a known field', () => {
  const out = compileOutput('(%proc.name) %proc.name.suffix,%proc.name:', catalog);
  assert.equal(out.render({ 'proc.name': 'sh' }), '(sh) sh.suffix,sh:');
});

test('a width pads or cuts the value', () => {
  assert.equal(compileOutput('[%6proc.name]', catalog).render({ 'proc.name': 'sh' }), '[sh    ]');
  assert.equal(compileOutput('[%2proc.name]', catalog).render({ 'proc.name': 'bash' }), '[ba]');
});

test('a leading * is dropped; plain text passes through', () => {
  assert.equal(compileOutput('*%proc.name', catalog).render({ 'proc.name': 'a' }), 'a');
  assert.equal(compileOutput('no fields at all', catalog).render({}), 'no fields at all');
});

test('unknown fields, a trailing % and an empty format are errors', () => {
  assert.throws(() => compileOutput('x=%proc.nobody', catalog), (e) => e instanceof OutputError && e.message === 'invalid formatting token proc.nobody');
  assert.throws(() => compileOutput('x=%', catalog), /formatting cannot end with a %/);
  assert.throws(() => compileOutput('x=%12', catalog), /formatting cannot end with a number/);
  assert.throws(() => compileOutput('', catalog), /empty formatting token/);
  assert.throws(() => compileOutput('%tolower(proc.name)', catalog), /not supported/);
});
