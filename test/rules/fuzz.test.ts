/**
 * Fuzzing the loader with random and mutated rules files (seeded, bounded): whatever the
 * input, loading never throws and every error or warning is located in its file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRules, type RuleSet } from '../../src/rules/index.js';
import { syscallCatalog, findSource } from '../../src/sources/index.js';

const syscall = syscallCatalog();
const catalogs = (source: string) => (source === 'syscall' ? syscall : findSource(source)?.catalog);

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_FILE = `- required_engine_version: 0.31.0
- list: shells
  items: [bash, "z sh", sh]
- macro: spawned
  condition: evt.type in (execve, execveat) and proc.name in (shells)
- rule: Shell spawned
  desc: a shell
  condition: spawned and not proc.pname = sshd
  output: "shell %proc.name by %user.name (%container.info) %proc.aname[2]"
  priority: warning
  tags: [a, b]
  exceptions:
    - name: ok
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values: [[bash, /tmp], [sh, /var]]
- rule: Shell spawned
  condition: and proc.cmdline contains x
  override:
    condition: append
- rule: json thing
  desc: j
  condition: json.value[/a] = b or jevt.value[/c] in (<NA>, d)
  output: "%json.value[/a]"
  priority: INFO
  source: json
`;

const PIECES = ['- ', ': ', '\n', '  ', '[', ']', '{', '}', '"', "'", '%', '(', ')', ',', 'and ', 'or ', 'not ', 'evt.type', '=',
  'in', 'rule', 'macro', 'list', 'override:', 'append', 'replace', 'exceptions', 'condition', 'items', '*', '&a', '*a', '|',
  '>', '#', '\t', '---', 'proc.name', '<NA>', 'val(', '\\', '\u00e9', '\0'];

function mutate(text: string, rnd: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const kind = rnd();
    if (kind < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
    else if (kind < 0.75) out = out.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + out.slice(at);
    else {
      const lines = out.split('\n');
      const a = Math.floor(rnd() * lines.length);
      const b = Math.floor(rnd() * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    }
  }
  return out;
}

function randomText(rnd: () => number): string {
  let out = '';
  const n = Math.floor(rnd() * 40);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(rnd() * PIECES.length)];
  return out;
}

function assertLocated(set: RuleSet, input: string): void {
  for (const m of [...set.errors, ...set.warnings]) {
    const where = `${m.code} ${m.message} for ${JSON.stringify(input)}`;
    assert.ok(m.code.startsWith('LOAD_'), where);
    assert.equal(typeof m.message, 'string', where);
    assert.ok(m.file === 'f.yaml' || m.file === 'g.yaml', where);
    assert.ok(Number.isInteger(m.line) && m.line >= 1 && Number.isInteger(m.column) && m.column >= 1, where);
  }
  assert.equal(set.successful, set.errors.length === 0);
}

test('mutated and random rules files only ever give located errors', { timeout: 60_000 }, () => {
  const rnd = prng(20261125);
  for (let i = 0; i < 400; i++) {
    const input = i % 4 === 3 ? randomText(rnd) : mutate(SEED_FILE, rnd);
    const set = loadRules([{ name: 'f.yaml', content: input }, { name: 'g.yaml', content: mutate(SEED_FILE, rnd) }], { catalogs });
    assertLocated(set, input);
  }
});

test('random conditions in a rule only ever give located errors', { timeout: 60_000 }, () => {
  const rnd = prng(7);
  const words = ['evt.type', 'proc.name', 'fd.name', 'and', 'or', 'not', '(', ')', '=', '!=', 'in', 'contains', 'exists', 'open',
    '"a b"', 'shells', 'spawned', 'val(proc.pname)', 'tolower(proc.name)', 'proc.aname[1]', 'pmatch', '(a,', 'glob', '<NA>'];
  for (let i = 0; i < 400; i++) {
    const n = 1 + Math.floor(rnd() * 10);
    const condition = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
    const content = `- list: shells\n  items: [bash]\n- macro: spawned\n  condition: evt.type = execve\n- rule: r\n  desc: d\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: INFO\n`;
    assertLocated(loadRules([{ name: 'f.yaml', content }], { catalogs }), condition);
  }
});
