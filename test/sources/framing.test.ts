import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  autoSource, findSource, InputError, readInputs, toEvents, type Format, type InputItem, type VigilEvent,
} from '../../src/sources/index.js';
import { projectRoot, shared } from './helpers.js';

const traces = shared('conformance/falco/k8s_audit/traces');
const cloudtrail = shared('datasets/invictus-aws-stratus-cloudtrail/CloudTrail');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-framing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function items(inputs: string[], format?: Format): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of readInputs(inputs, { format })) out.push(item);
  return out;
}
const docs = (list: InputItem[]) => list.filter((i) => !(i instanceof InputError)).map((i) => (i as { doc: unknown }).doc);
const errors = (list: InputItem[]) => list.filter((i): i is InputError => i instanceof InputError).map((e) => e.message);
const origins = (list: InputItem[]) => list.filter((i) => !(i instanceof InputError)).map((i) => (i as { origin: string }).origin);

test('JSON lines: a malformed line is reported once with its place, and the lines after it are read', async (t) => {
  const file = join(tempDir(t), 'audit.log');
  writeFileSync(file, '{"a":1}\n\n{"a":2,}\r\n{"a":3}\nnot json\n{"a":4}{"a":5}\n{"a":6');
  const got = await items([file]);
  assert.deepEqual(docs(got), [{ a: 1 }, { a: 3 }, { a: 4 }, { a: 5 }]);
  assert.deepEqual(origins(got), [`${file}:1`, `${file}:4`, `${file}:6`, `${file}:6`]);
  assert.equal(errors(got).length, 3);
  assert.equal(errors(got)[0], `${file}:3:8: malformed JSON: property name expected`);
  assert.equal(errors(got)[1], `${file}:5:1: not a JSON object or array`);
  assert.equal(errors(got)[2], `${file}:7:1: JSON document is not terminated`);
});

test('one pretty-printed document, an array, documents one after the other', async (t) => {
  const dir = tempDir(t);
  const list = { kind: 'EventList', items: [{ kind: 'Event', auditID: '1' }, { kind: 'Event', auditID: '2' }] };
  writeFileSync(join(dir, 'list.json'), JSON.stringify(list, null, 2));
  writeFileSync(join(dir, 'array.json'), JSON.stringify([{ b: 1 }, { b: 2 }], null, 2) + '\n');
  writeFileSync(join(dir, 'concat.json'), `${JSON.stringify({ c: 1 }, null, 2)}\n${JSON.stringify({ c: 2 }, null, 2)}{"c":3}\n`);
  writeFileSync(join(dir, 'broken.json'), `{\n  "d": 1,\n  "e": }\n{\n  "d": 2\n}\n`);
  assert.deepEqual(docs(await items([join(dir, 'list.json')])), [list]);
  assert.deepEqual(docs(await items([join(dir, 'array.json')])), [[{ b: 1 }, { b: 2 }]]);
  const concat = await items([join(dir, 'concat.json')]);
  assert.deepEqual(docs(concat), [{ c: 1 }, { c: 2 }, { c: 3 }]);
  assert.deepEqual(origins(concat).map((o) => o.split(':').pop()), ['1', '4', '6']);
  const broken = await items([join(dir, 'broken.json')]);
  assert.deepEqual(docs(broken), [{ d: 2 }]);
  assert.deepEqual(errors(broken), [`${join(dir, 'broken.json')}:3:8: malformed JSON: value expected`]);
  // The EventList frames into its items with the k8s source.
  const events: VigilEvent[] = [];
  for await (const e of toEvents(readInputs([join(dir, 'list.json')]), findSource('k8s_audit')!)) events.push(e as VigilEvent);
  assert.deepEqual(events.map((e) => [(e.data as { auditID: string }).auditID, e.origin]),
    [['1', `${join(dir, 'list.json')}:1 [0]`], ['2', `${join(dir, 'list.json')}:1 [1]`]]);
});

test('gzip-compressed CloudTrail files and JSON lines are read as their content', async (t) => {
  const dir = tempDir(t);
  const name = '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json';
  const original = readFileSync(join(cloudtrail, name));
  writeFileSync(join(dir, `${name}.gz`), gzipSync(original));
  writeFileSync(join(dir, 'audit.log.gz'), gzipSync(readFileSync(join(traces, 'create_configmap_sensitive_values.json'))));
  const ct = await items([join(dir, `${name}.gz`)]);
  assert.deepEqual(docs(ct), [JSON.parse(original.toString('utf8'))]);
  const k8s = await items([join(dir, 'audit.log.gz')]);
  assert.equal(docs(k8s).length, 6);
  assert.deepEqual(errors(k8s), []);
  const corrupt = join(dir, 'corrupt.gz');
  writeFileSync(corrupt, Buffer.concat([gzipSync(original).subarray(0, 200)]));
  const bad = await items([corrupt]);
  assert.equal(errors(bad).length, 1);
  assert.match(errors(bad)[0]!, new RegExp(`^${corrupt}: `));
});

test('directories are read recursively in name order; missing inputs are reported, not thrown', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'b'));
  mkdirSync(join(dir, 'b', 'a'));
  writeFileSync(join(dir, 'c.json'), '{"n":"c"}\n');
  writeFileSync(join(dir, 'a.json'), '{"n":"a"}\n');
  writeFileSync(join(dir, 'b', 'z.json'), '{"n":"b/z"}\n');
  writeFileSync(join(dir, 'b', 'a', 'x.json'), '{"n":"b/a/x"}\n');
  const got = await items([dir, join(dir, 'nope.json')]);
  assert.deepEqual(docs(got), [{ n: 'a' }, { n: 'b/a/x' }, { n: 'b/z' }, { n: 'c' }]);
  assert.deepEqual(errors(got), [`${join(dir, 'nope.json')}: cannot read: no such file or directory`]);
});

test('a symbolic link loop is read once', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'a.json'), '{"n":1}\n');
  symlinkSync(dir, join(dir, 'logs', 'loop'));
  const got = await items([dir]);
  assert.deepEqual(docs(got), [{ n: 1 }]);
  assert.deepEqual(errors(got), []);
});

test('a format can be forced instead of detected', async (t) => {
  const file = join(tempDir(t), 'x.json');
  writeFileSync(file, '{"a":1}\n{"a":2}\n');
  assert.deepEqual(docs(await items([file], 'jsonl')), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(docs(await items([file], 'concat')), [{ a: 1 }, { a: 2 }]);
  const whole = await items([file], 'json');
  assert.deepEqual(docs(whole), []);
  assert.equal(errors(whole).length, 1);
  assert.match(errors(whole)[0]!, new RegExp(`^${file}:2:1: malformed JSON`));
});

test('stdin: JSON lines are yielded as they arrive, before the stream ends', async () => {
  const stdin = new PassThrough();
  const it = readInputs(['-'], { stdin })[Symbol.asyncIterator]();
  stdin.write('{"live":1}\n{"live":');
  const plain = (item: InputItem) => ('doc' in item ? { doc: item.doc, origin: item.origin, file: item.file, line: item.line } : item);
  const first = await it.next();
  assert.deepEqual(plain(first.value), { doc: { live: 1 }, origin: '<stdin>:1', file: '<stdin>', line: 1 });
  stdin.end('2}\n');
  assert.deepEqual(plain((await it.next()).value), { doc: { live: 2 }, origin: '<stdin>:2', file: '<stdin>', line: 2 });
  assert.equal((await it.next()).done, true);
});

test('the real process stdin, gzip-compressed, through a child process', () => {
  const script = `
    import { readInputs } from ${JSON.stringify(join(projectRoot, 'dist/src/sources/index.js'))};
    let n = 0; for await (const item of readInputs(['-'])) if (item.doc) n += item.doc.Records.length;
    console.log(n);`;
  const input = gzipSync(readFileSync(join(cloudtrail, '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json')));
  const run = spawnSync('node', ['--input-type=module', '-e', script], { input, encoding: 'utf8' });
  assert.equal(run.stderr, '');
  const expected = JSON.parse(readFileSync(join(cloudtrail, '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json'), 'utf8')).Records.length;
  assert.equal(run.stdout.trim(), String(expected));
});

test('--source auto: each document goes to the source its shape says; unknown shapes are json', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, '1-k8s.log'), readFileSync(join(traces, 'create_nginx_pod_privileged.json')));
  writeFileSync(join(dir, '2-ct.json'), readFileSync(join(cloudtrail, '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json')));
  writeFileSync(join(dir, '3-other.json'), '{"hello":"world"}\n');
  writeFileSync(join(dir, '4-not-json.txt'), 'MIT License\n\nCopyright\n');
  const bySource = new Map<string, number>();
  const problems: string[] = [];
  for await (const e of toEvents(readInputs([dir]), autoSource())) {
    if (e instanceof InputError) problems.push(e.message);
    else bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
  }
  const records = JSON.parse(readFileSync(join(dir, '2-ct.json'), 'utf8')).Records.length;
  assert.deepEqual([...bySource], [['k8s_audit', 1], ['aws_cloudtrail', records], ['json', 1]]);
  assert.deepEqual(problems, [`${join(dir, '4-not-json.txt')}:1:1: not a JSON object or array`]);
});

test('a document that is not an event of the chosen source is reported once, as the plugin says it', async (t) => {
  const file = join(tempDir(t), 'mixed.log');
  writeFileSync(file, `{"kind": 0}\n${readFileSync(join(traces, 'create_nginx_pod_privileged.json'), 'utf8')}`);
  const out: Array<VigilEvent | InputError> = [];
  for await (const e of toEvents(readInputs([file]), findSource('k8s_audit')!)) out.push(e);
  assert.equal(out.length, 2);
  assert.equal((out[0] as InputError).message, `${file}:1: data not recognized as a k8s audit event`);
  assert.equal((out[1] as VigilEvent).source, 'k8s_audit');
});
