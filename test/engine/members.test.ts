import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemberReader, type MemberPath } from '../../src/engine/members.js';
import { random, writeCorpus } from '../../bench/corpus.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const traces = join(DEFAULT_RULES_DIR, '../../shared/conformance/falco/k8s_audit/traces');
const dir = mkdtempSync(join(tmpdir(), 'vigil-members-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** The members of Falco's k8s rules, and a few more shapes: a member three objects deep, keys with dots and slashes. */
const PATHS: MemberPath[] = [
  ['kind'], ['verb'], ['auditID'], ['stage'], ['stageTimestamp'], ['requestURI'], ['user', 'username'],
  ['annotations', 'authorization.k8s.io/decision'], ['objectRef', 'resource'], ['objectRef', 'subresource'],
  ['objectRef', 'name'], ['objectRef', 'namespace'], ['responseStatus', 'code'], ['requestObject', 'spec', 'hostNetwork'],
  ['requestObject', 'roleRef', 'name'], ['requestObject', 'data'], ['requestObject', 'metadata', 'name'],
];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What JSON.parse gives at each path, as an object of the reader's shape (a value that is not an object ends its path). */
function expected(doc: unknown, paths: readonly MemberPath[]): unknown {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let at: Record<string, unknown> | undefined = out;
    let from = doc;
    for (const key of path.slice(0, -1)) {
      from = isObject(from) ? from[key] : undefined;
      if (!isObject(from)) {
        at[key] = from;
        at = undefined;
        break;
      }
      at = (at[key] ??= {}) as Record<string, unknown>;
    }
    if (at && isObject(from)) at[path[path.length - 1]!] = from[path[path.length - 1]!];
  }
  return out;
}

/** Drops the members whose value is undefined, as JSON.stringify does: the reader writes absent members as undefined. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as unknown;

function check(reader: MemberReader, line: string): boolean {
  const read = reader.read(line);
  if (read === undefined) return false;
  assert.deepEqual(plain(read), plain(expected(JSON.parse(line), PATHS)), line.slice(0, 300));
  return true;
}

test('reads the values JSON.parse gives, and gives up where it cannot be sure', () => {
  const reader = new MemberReader([['kind'], ['user', 'username'], ['a', 'b', 'c'], ['n']]);
  const read = (line: string) => {
    const r = reader.read(line);
    return r === undefined ? undefined : plain(r);
  };
  const is = (line: string, want: unknown, why?: string) => assert.deepEqual(read(line), want === undefined ? undefined : plain(want), why);
  is('{"kind":"Event","user":{"username":"bob","groups":["x"]},"n":-1.5e2}', { kind: 'Event', user: { username: 'bob' }, a: undefined, n: -150 });
  is(' { "kind" : "E\\u0076ent" ,\t"n" : true } \r', { kind: 'Event', user: undefined, a: undefined, n: true });
  is('{"a":{"b":{"c":[1,{"d":"}"}],"x":"\\"{"}}}', { kind: undefined, user: undefined, a: { b: { c: [1, { d: '}' }] } }, n: undefined });
  is('{"user":"bob","a":[{"b":1}],"n":null}', { kind: undefined, user: 'bob', a: [{ b: 1 }], n: null });
  is('{"other":{"kind":"Event","user":{"username":"x"}}}', { kind: undefined, user: undefined, a: undefined, n: undefined });
  is('{"k\\"ind":"x","kind\\\\":"y"}', undefined, 'a key with an escape could spell a needed one');
  is('{"\\u006bind":"Event"}', undefined);
  is('{"kind":"a","kind":"b"}', undefined, 'a key written twice');
  is('{"user":{"username":"a","username":"b"}}', undefined);
  is('{"a":{"b":{"c":1,"c":2}}}', undefined);
  is('{"kind":"Évent"}', undefined, 'not plain ASCII');
  is('{"kind":"Event"', undefined, 'cut short');
  is('{"kind":"Event"}{"kind":"x"}', undefined, 'two documents');
  is('[{"kind":"Event"}]', undefined, 'not an object');
  is('{"n":tru}', undefined, 'a value JSON.parse refuses');
  is('{"n":0x1F}', undefined, 'a number only JavaScript reads');
  is('{"kind":"a\\u00G1"}', undefined, 'an escape JSON.parse refuses');
  is('{"kind":"a\\x"}', undefined);
  is('{"kind":"a\\u004"}', undefined);
  is('{"kind":"\\ud83d\\ude00 \\/ \\n \\u00e9"}', { kind: '\ud83d\ude00 / \n \u00e9', user: undefined, a: undefined, n: undefined });
  is('{"n":012}', undefined);
  is('{"n":"unterminated}', undefined);
  const long = `{"kind":"${'x'.repeat(300_000)}","n":1}`;
  is(long, { kind: 'x'.repeat(300_000), user: undefined, a: undefined, n: 1 }, 'a line longer than the memory it starts with');
});

test('cannot read a member and one inside it at once, nor inherited keys', () => {
  assert.equal(new MemberReader([['user'], ['user', 'username']]).readable, false);
  assert.equal(new MemberReader([['constructor']]).readable, false);
  assert.equal(new MemberReader([]).readable, false);
});

/** Real and generated audit lines, and the same written in other ways. */
function variants(lines: string[], seed: number): string[] {
  const rand = random(seed);
  return lines.map((line) => {
    const doc = JSON.parse(line) as Record<string, unknown>;
    switch (Math.floor(rand() * 8)) {
      case 0:
        return JSON.stringify(doc, null, 2).replace(/\n/g, ' ');
      case 1:
        return JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()));
      case 2:
        return JSON.stringify({ ...doc, user: { ...(doc.user as object), username: 'a\\"b{c}\u0001' } });
      case 3:
        return JSON.stringify({ ...doc, objectRef: { name: 'x', ...(doc.objectRef as object), subresource: 'exec' } });
      case 4:
        return JSON.stringify({ ...doc, requestObject: { spec: { hostNetwork: rand() < 0.5, nested: [[[{ a: '[' }]]] }, data: { k: 'v' } } });
      default:
        return line;
    }
  });
}

test('on Falco\'s audit traces, generated audit lines and variants, every line read gives what JSON.parse gives', async () => {
  const reader = new MemberReader(PATHS);
  const real = readdirSync(traces).flatMap((f) => readFileSync(join(traces, f), 'utf8').split('\n'))
    .filter((l) => l.trim().startsWith('{'))
    .filter((l) => {
      try {
        JSON.parse(l);
        return true;
      } catch {
        return false;
      }
    });
  const file = join(dir, 'k8s.jsonl');
  await writeCorpus('k8s_audit', 3000, file, 3);
  const generated = readFileSync(file, 'utf8').trim().split('\n');
  let read = 0;
  for (const line of [...real, ...variants(real, 1), ...generated]) if (check(reader, line)) read++;
  const plainRead = generated.filter((l) => reader.read(l) !== undefined).length;
  assert.ok(real.length > 30, `${real.length} trace lines`);
  assert.ok(plainRead > generated.length * 0.9, `only ${plainRead} of ${generated.length} generated lines were read`);
  assert.ok(read > 0);
});

/** A random JSON value: objects with needed and other keys, arrays, escapes, whitespace, deep nesting. */
function randomValue(rand: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const r = rand();
  if (depth > 5 || r < 0.35) {
    return pick<unknown>([
      'Event', 'system:node:a', '', 'a"b', 'back\\slash', 'tab\tnew\nline', '{[}]:,', 'é', '\u0000', 'a&b<c>',
      0, -1.5e-3, 1e21, 200, true, false, null,
    ]);
  }
  if (r < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const keys = ['kind', 'verb', 'user', 'username', 'a', 'b', 'c', 'n', 'other', 'k\\ey', 'x.y/z', ''];
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 6); i > 0; i--) out[pick(keys)] = randomValue(rand, depth + 1);
  return out;
}

/** A document written with random whitespace, and sometimes a key written twice or with an escape. */
function write(rand: () => number, doc: unknown): string {
  const space = () => [' ', '', '', '\t', '\n '][Math.floor(rand() * 5)]!;
  const text = (value: unknown): string => {
    if (Array.isArray(value)) return `[${space()}${value.map(text).join(`,${space()}`)}${space()}]`;
    if (value !== null && typeof value === 'object') {
      const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${space()}:${space()}${text(v)}`);
      if (members.length > 0 && rand() < 0.1) members.push(members[0]!);
      return `{${space()}${members.join(`,${space()}`)}${space()}}`;
    }
    const json = JSON.stringify(value);
    return rand() < 0.1 ? json.replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : json;
  };
  return text(doc);
}

test('fuzz: on random documents and on lines cut or changed at random, the reader agrees with JSON.parse or gives up', () => {
  const paths: MemberPath[] = [['kind'], ['verb'], ['user', 'username'], ['a', 'b', 'c'], ['n'], ['x.y/z']];
  const reader = new MemberReader(paths);
  const rand = random(7);
  let agreed = 0;
  for (let i = 0; i < 4000; i++) {
    let line = write(rand, { ...(randomValue(rand, 0) as object), kind: 'Event' });
    if (rand() < 0.3) {
      // Cut it, or change one character of it.
      const at = Math.floor(rand() * line.length);
      line = rand() < 0.5 ? line.slice(0, at) : line.slice(0, at) + '{}[]",:\\ a0'[Math.floor(rand() * 12)] + line.slice(at + 1);
    }
    const read = reader.read(line);
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      continue; // a line JSON.parse refuses is reported when parsed; what the reader made of it does not count
    }
    if (read === undefined) continue;
    assert.deepEqual(plain(read), plain(expected(doc, paths)), line);
    agreed++;
  }
  assert.ok(agreed > 1000, `only ${agreed} of 4000 lines were read`);
});
