import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseCondition, walk } from '../../src/rules/condition/index.js';
import { findSource } from '../../src/sources/index.js';
import { shared } from './helpers.js';

const rulesDir = shared('conformance/falco/rules');

interface Ref { name: string; arg?: string }

/** Fields a condition reads (macros and lists are the loader's business, not the catalogue's). */
function conditionFields(condition: string): Ref[] {
  const out: Ref[] = [];
  walk(parseCondition(condition), (n) => {
    if (n.kind === 'field') out.push({ name: n.name, arg: n.arg });
  });
  return out;
}

/** Fields an output prints: `%name` or `%name[arg]`. */
function outputFields(output: string): Ref[] {
  return [...output.matchAll(/%([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)(?:\[([^\]]*)\])?/g)].map((m) => ({ name: m[1]!, arg: m[2] }));
}

test("every field that Falco's official plugin rule files use is in the source's catalogue", () => {
  let checked = 0;
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.yaml'))) {
    const items = parse(readFileSync(`${rulesDir}/${file}`, 'utf8')) as Array<Record<string, unknown>>;
    // The legacy 0.31 file has no `source:` (k8s_audit rules then said `source: k8s_audit` too).
    const name = (items.find((i) => typeof i.source === 'string')?.source as string | undefined) ?? 'k8s_audit';
    const source = findSource(name);
    assert.ok(source, `${file}: source ${name}`);
    for (const item of items) {
      const refs: Ref[] = [];
      if (typeof item.condition === 'string') refs.push(...conditionFields(item.condition));
      if (typeof item.output === 'string') refs.push(...outputFields(item.output));
      for (const ex of (item.exceptions as Array<{ fields?: string | string[] }> | undefined) ?? []) {
        refs.push(...([] as string[]).concat(ex.fields ?? []).map((f) => ({ name: f })));
      }
      for (const ref of refs) {
        assert.ok(source.catalog.resolve(ref.name, ref.arg), `${file}: ${ref.name}${ref.arg === undefined ? '' : `[${ref.arg}]`} in ${name}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `${checked} references`);
});
