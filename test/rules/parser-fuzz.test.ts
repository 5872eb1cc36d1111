import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, printCondition, compileCondition, ConditionSyntaxError, ConditionCompileError } from '../../src/rules/condition/index.js';
import { catalog } from './helpers.js';

/** A small seeded generator, so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ATOMS = [
  's.name', 'n.count', 'l.items', 'ip.addr', 'buf.data', 'x', 'macro_a', '=', '!=', '<', 'contains', 'in', 'intersects',
  'pmatch', 'exists', 'glob', 'regex', 'and', 'or', 'not', '(', ')', '(', ')', ',', '"quoted \\" str"', "'single'",
  '/usr/bin', '42', '-1', '0x1f', 'tolower(', 'val(', 'join(', 'oneof', '[', ']', '[0]', '\\', '"\\x4', '  ', '\n',
];

function randomCondition(next: () => number): string {
  const length = 1 + Math.floor(next() * 14);
  let out = '';
  for (let i = 0; i < length; i++) out += ATOMS[Math.floor(next() * ATOMS.length)]! + (next() < 0.7 ? ' ' : '');
  return out;
}

function mutate(text: string, next: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (chars.length + 1));
    const r = next();
    if (r < 0.33) chars.splice(at, 1);
    else if (r < 0.66) chars.splice(at, 0, String.fromCharCode(32 + Math.floor(next() * 95)));
    else chars.splice(at, 0, ...(chars.slice(0, Math.floor(next() * 5)) ?? []));
  }
  return chars.join('');
}

const SEEDS = [
  's.name = /bin/sh and not (n.count > 3 or l.items intersects (a, "b c"))',
  'tolower(s.name) contains oneof (a, b) and s.name = val(s.name)',
  'join(",", (s.name, "x")) = "a,x" or ip.addr in (10.0.0.1)',
];

test('random and mutated conditions only ever fail with a located error', () => {
  const next = rng(20261125);
  for (let i = 0; i < 4000; i++) {
    const text = i % 2 === 0 ? randomCondition(next) : mutate(SEEDS[i % SEEDS.length]!, next);
    try {
      const ast = parseCondition(text);
      // Whatever parses prints to a form that parses to the same print.
      const printed = printCondition(ast);
      assert.equal(printCondition(parseCondition(printed)), printed, `round trip of ${JSON.stringify(text)}`);
      compileCondition(ast, catalog);
    } catch (err) {
      if (err instanceof ConditionSyntaxError) {
        assert.ok(err.pos.idx >= 0 && err.pos.idx <= text.length, `position inside the text for ${JSON.stringify(text)}`);
        continue;
      }
      if (err instanceof ConditionCompileError) continue;
      throw new Error(`${JSON.stringify(text)} threw ${String(err)}`);
    }
  }
});

test('deep nesting is refused at the depth limit, not by a stack overflow', () => {
  assert.throws(() => parseCondition('('.repeat(100000)), /exceeded max depth limit of 100/);
  assert.throws(() => parseCondition('not '.repeat(50) + '('.repeat(30) + 'a' + ')'.repeat(30)), /max depth/);
  parseCondition('('.repeat(15) + 'a' + ')'.repeat(15));
  // Falco's rules loader allows deeper nesting in rule conditions.
  parseCondition('('.repeat(150) + 'a' + ')'.repeat(150), { maxDepth: 1000 });
  assert.throws(() => parseCondition('('.repeat(100000), { maxDepth: 1000 }), /exceeded max depth limit of 1000/);
});

test('syntax errors say where, as Falco does', () => {
  assert.throws(() => parseCondition('a and'), (err: ConditionSyntaxError) => err.pos.idx === 5 && /index 5, line 1, column 6/.test(err.message));
  assert.throws(() => parseCondition('s.name = "unterminated'), /index/);
  assert.throws(() => parseCondition(''), /filter input string is empty/);
});
