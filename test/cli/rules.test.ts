import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const vigil = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

const good = `- macro: opened
  condition: evt.type = open
- rule: Opened
  desc: d
  condition: opened and proc.name = cat
  output: "%proc.name opened %fd.name"
  priority: warning
- rule: Json admin
  desc: d
  condition: json.value[/user] = admin
  output: "%json.value[/user]"
  priority: info
  source: json
`;

test('validate: a good file is Ok, exit 0', () => {
  const r = vigil('rules', 'validate', file('good.yaml', good));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /good\.yaml: Ok\n/);
  assert.match(r.stdout, /0 errors, 0 warnings; 2 rules loaded, 2 enabled/);
});

test('validate: errors print file:line:column with the code and the line, exit 1', () => {
  const bad = file('bad.yaml', good.replace('proc.name = cat', 'proc.nobody = cat'));
  const r = vigil('rules', 'validate', bad);
  assert.equal(r.status, 1);
  assert.ok(r.stdout.includes(`${bad}:5:25: LOAD_ERR_COMPILE_CONDITION (Error compiling condition) in rule 'Opened': filter_check called with nonexistent field proc.nobody`), r.stdout);
  assert.match(r.stdout, /\| {3}condition: opened and proc.nobody = cat/);
});

test('validate --json: one result per file, in order, with Falco codes and locations', () => {
  const base = file('base.yaml', good);
  const overlay = file('overlay.yaml', '- rule: Opened\n  condition: and fd.name = x\n  append: true\n- rule: Missing\n  enabled: false\n');
  const r = vigil('rules', 'validate', '--json', base, overlay);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout) as { falco_load_results: Array<{ name: string; successful: boolean; errors: Array<Record<string, unknown>>; warnings: Array<Record<string, unknown>> }> };
  const [first, second] = out.falco_load_results;
  assert.equal(first!.successful, true);
  assert.equal(second!.successful, false);
  assert.equal(second!.errors[0]!.code, 'LOAD_ERR_VALIDATE');
  assert.equal(second!.errors[0]!.message, "Rule has 'enabled' key but no rule by that name already exists");
  assert.deepEqual([second!.errors[0]!.line, second!.errors[0]!.column, second!.errors[0]!.item_name], [4, 3, 'Missing']);
  assert.equal(second!.warnings[0]!.code, 'LOAD_DEPRECATED_ITEM');
});

test('validate: an unreadable file is a one-line user error, exit 2', () => {
  const r = vigil('rules', 'validate', join(dir, 'nope.yaml'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vigil: cannot read rules file .*nope\.yaml: ENOENT\n$/);
});
