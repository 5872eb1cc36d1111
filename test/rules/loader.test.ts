import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRules, EvalContext, matchesWildcard, type RuleSet } from '../../src/rules/index.js';
import { syscallCatalog, findSource } from '../../src/sources/index.js';
import { Ajv } from 'ajv';
import { SCHEMA } from '../../src/rules/schema.js';

const syscall = syscallCatalog();
const catalogs = (source: string) => (source === 'syscall' ? syscall : findSource(source)?.catalog);

function load(...contents: string[]): RuleSet {
  return loadRules(contents.map((content, i) => ({ name: `f${i}.yaml`, content })), { catalogs });
}

const rule = (name: string, condition: string, extra = '') =>
  `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: out %proc.name\n  priority: INFO\n${extra}`;

const codes = (set: RuleSet, kind: 'errors' | 'warnings' = 'warnings') => set[kind].map((m) => m.code);
const cond = (set: RuleSet, name = 'r') => set.rule(name)?.conditionText;

test('a rule compiles to its canonical condition, with its fields and priority', () => {
  const set = load(rule('r', 'evt.type=open and proc.name in (cat, "a b")'));
  assert.ok(set.successful);
  assert.equal(cond(set), '(evt.type = open and proc.name in (cat, "a b"))');
  assert.equal(set.rule('r')!.priority, 'informational');
  assert.equal(set.rule('r')!.source, 'syscall');
});

test('priorities are read in any case; an unknown one is an error', () => {
  assert.equal(load(rule('r', 'evt.type=open').replace('INFO', 'cRiTiCaL')).rule('r')!.priority, 'critical');
  const bad = load(rule('r', 'evt.type=open').replace('INFO', 'loud'));
  assert.deepEqual(codes(bad, 'errors'), ['LOAD_ERR_YAML_VALIDATE']);
  assert.equal(bad.errors[0]!.message, 'Invalid priority');
});

test('lists expand inline, nested lists flatten, and appends go to the end', () => {
  const set = load(`
- list: inner
  items: [a, b]
- list: outer
  items: [inner, c]
- list: outer
  items: [d]
  override:
    items: append
${rule('r', 'evt.type=open and proc.name in (outer, e)')}`);
  assert.equal(cond(set), '(evt.type = open and proc.name in (a, b, c, d, e))');
  assert.deepEqual(codes(set), []);
});

test('macros are replaced in place, in parentheses, across files', () => {
  const set = load('- macro: m\n  condition: proc.name = a or proc.name = b\n', rule('r', 'evt.type=open and m'));
  assert.equal(cond(set), '(evt.type = open and (proc.name = a or proc.name = b))');
});

test('a macro can only use macros defined before it; loops and unknown macros are errors', () => {
  const later = load('- macro: a\n  condition: b\n- macro: b\n  condition: evt.type=open\n' + rule('r', 'a'));
  assert.equal(later.errors[0]!.message, "Undefined macro 'b' used in filter.");
  assert.equal(later.errors[0]!.code, 'LOAD_ERR_VALIDATE');
  assert.equal(later.errors[0]!.itemName, 'a');
  const unknown = load(rule('r', 'evt.type=open and nothere'));
  assert.equal(unknown.errors[0]!.message, "Undefined macro 'nothere' used in filter.");
  assert.equal(unknown.errors[0]!.column, 32);
});

test('append: true warns that it is deprecated and appends; it needs a previous definition', () => {
  const set = load(rule('r', 'evt.type=open'), '- rule: r\n  condition: and proc.name = cat\n  append: true\n');
  assert.equal(cond(set), '(evt.type = open and proc.name = cat)');
  assert.ok(set.warnings.some((w) => w.code === 'LOAD_DEPRECATED_ITEM' && w.message.startsWith("'append' key is deprecated")));
  const orphan = load('- macro: m\n  condition: or a\n  append: true\n');
  assert.match(orphan.errors[0]!.message, /^Macro uses 'append'/);
});

test('override appends or replaces key by key, and refuses what Falco refuses', () => {
  const base = rule('r', 'evt.type=open', '  tags: [a]\n');
  const set = load(base, '- rule: r\n  desc: more\n  tags: [b]\n  priority: ERROR\n  override:\n    desc: append\n    tags: append\n    priority: replace\n');
  const r = set.rule('r')!;
  assert.equal(r.description, 'd more');
  assert.deepEqual(r.tags, ['a', 'b']);
  assert.equal(r.priority, 'error');
  const noAppend = load(base, '- rule: r\n  priority: ERROR\n  override:\n    priority: append\n');
  assert.equal(noAppend.errors[0]!.message, "Key 'priority' cannot be appended to, use 'replace' instead");
  const missing = load(base, '- rule: r\n  override:\n    desc: replace\n');
  assert.equal(missing.errors[0]!.message, "An replace override for 'desc' was specified but 'desc' is not defined");
  const unexpected = load(base, '- rule: r\n  desc: x\n  output: y\n  override:\n    desc: replace\n');
  assert.equal(unexpected.errors[0]!.message, "Unexpected key 'output': no corresponding entry under 'override' is defined.");
  const both = load(base, '- rule: r\n  desc: x\n  append: true\n  override:\n    desc: replace\n');
  assert.match(both.errors[0]!.message, /^Keys 'override' and 'append: true' cannot be used together/);
  const wrongOp = load(base, '- rule: r\n  desc: x\n  override:\n    desc: merge\n');
  assert.equal(wrongOp.errors[0]!.message, "Invalid override operation for key 'desc': 'merge'. Allowed values are: append replace ");
});

test('enabled: false keeps a rule out of the default ruleset; the stand-alone form warns', () => {
  const set = load(rule('r', 'evt.type=open', '  enabled: false\n'));
  assert.equal(set.enabledRules().length, 0);
  const again = load(rule('r', 'evt.type=open', '  enabled: false\n'), '- rule: r\n  enabled: true\n');
  assert.equal(again.enabledRules().length, 1);
  assert.ok(again.warnings.some((w) => w.message.startsWith("The standalone 'enabled' key usage is deprecated")));
});

test('exceptions become "and not" clauses as Falco builds them', () => {
  const set = load(rule('r', 'evt.type=open', `  exceptions:
    - name: pairs
      fields: [proc.name, fd.name]
      comps: [=, in]
      values:
        - [cat, /etc]
        - ["my app", [/a, /b]]
    - name: single
      fields: proc.name
      values: [ls, "x y"]
    - name: empty
      fields: [proc.name]
`));
  assert.equal(cond(set),
    '(evt.type = open and not ((proc.name = cat and fd.name in (/etc)) or (proc.name = "my app" and fd.name in (/a, /b))) and not proc.name in (ls, "x y"))');
  assert.deepEqual(set.rule('r')!.exceptionFields.sort(), ['fd.name', 'proc.name']);
});

test('exception errors: mismatched lengths, unknown fields and operators, single-field comps', () => {
  const ex = (body: string) => load(rule('r', 'evt.type=open', `  exceptions:\n${body}`)).errors[0]?.message;
  assert.equal(ex('    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=]\n'), 'Fields and comps lists must have equal length');
  assert.equal(ex('    - name: e\n      fields: [proc.name]\n      values: [[a, b]]\n'), 'Fields and values lists must have equal length');
  assert.equal(ex('    - name: e\n      fields: [no.field]\n'), "'no.field' is not a supported filter field");
  assert.equal(ex('    - name: e\n      fields: [proc.name]\n      comps: [near]\n'), "'near' is not a supported comparison operator");
  assert.match(ex('    - name: e\n      fields: proc.name\n      comps: "="\n')!, /^When fields is a single value, comps must be one of/);
  assert.equal(ex('    - fields: [proc.name]\n'), "Item has no mapping for key 'name'");
});

test('appending exception values to an existing exception, and a value that looks like a field warns', () => {
  const set = load(rule('r', 'evt.type=open', '  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a]]\n'),
    '- rule: r\n  exceptions:\n    - name: e\n      values: [[proc.pname]]\n  override:\n    exceptions: append\n');
  assert.equal(cond(set), '(evt.type = open and not (proc.name = a or proc.name = proc.pname))');
  assert.ok(set.warnings.some((w) => w.code === 'LOAD_COMPILE_CONDITION' && w.message === "'proc.pname' may be a valid field misused as a const string value"));
});

test('a comparison several rules make is compiled once, yet each rule still gets its own warning', () => {
  const set = load(rule('a', 'evt.type=open and proc.name regex "bash"') + rule('b', 'evt.type=open and proc.name regex "bash"'));
  const warned = set.warnings.filter((w) => w.code === 'LOAD_COMPILE_CONDITION' && /regex check with 'bash'/.test(w.message));
  assert.deepEqual(warned.map((w) => w.itemName), ['a', 'b']);
});

test('required_engine_version: integers and semver; too new or unreadable is an error', () => {
  assert.ok(load('- required_engine_version: 10\n').successful);
  assert.ok(load('- required_engine_version: 0.31.0\n').successful);
  const newer = load('- required_engine_version: 0.999.0\n');
  assert.equal(newer.errors[0]!.message, 'Rules require engine version 0.999.0, but engine version is 0.63.0');
  assert.equal(newer.errors[0]!.itemType, 'required_engine_version');
  const bad = load('- required_engine_version: soon\n');
  assert.equal(bad.errors[0]!.code, 'LOAD_ERR_YAML_VALIDATE');
});

test('required_plugin_versions with alternatives', () => {
  const set = load('- required_plugin_versions:\n  - name: k8saudit\n    version: 0.2.0\n    alternatives:\n      - name: k8saudit-eks\n        version: 0.1.0\n');
  assert.equal(set.checkPluginRequirements([{ name: 'k8saudit-eks', version: '0.3.1' }]), undefined);
  assert.match(set.checkPluginRequirements([{ name: 'k8saudit', version: '0.1.0' }])!, /is not compatible/);
  assert.match(set.checkPluginRequirements([])!, /must load one of: k8saudit \(>= 0.2.0\), k8saudit-eks \(>= 0.1.0\)/);
});

test('unknown sources are skipped with a warning; their macros still parse', () => {
  const set = load(rule('r', 'azure.operation = delete', '  source: azure_activity\n'));
  assert.ok(set.successful);
  assert.deepEqual(codes(set), ['LOAD_UNKNOWN_SOURCE']);
  assert.equal(set.warnings[0]!.message, 'Unknown source azure_activity, skipping');
  assert.equal(set.rules.length, 0);
});

test('skip-if-unknown-filter turns an unknown field into a warning and skips the rule', () => {
  const set = load(rule('r', 'evt.type=open and proc.nobody=1', '  skip-if-unknown-filter: true\n'));
  assert.ok(set.successful);
  assert.deepEqual(codes(set), ['LOAD_UNKNOWN_FILTER']);
  assert.equal(set.rules.length, 0);
  const strict = load(rule('r', 'evt.type=open and proc.nobody=1'));
  assert.deepEqual(codes(strict, 'errors'), ['LOAD_ERR_COMPILE_CONDITION']);
  assert.deepEqual([strict.errors[0]!.line, strict.errors[0]!.column], [3, 32]);
});

test('unused macros and lists, bad names, unknown keys and items warn', () => {
  const set = load(`
- macro: bad-name
  condition: evt.type = open
- list: "bad list"
  items: [a]
- list: spare
  items: [a]
  colour: red
- something: else
`);
  assert.deepEqual(codes(set).sort(), ['LOAD_INVALID_LIST_NAME', 'LOAD_INVALID_MACRO_NAME', 'LOAD_UNKNOWN_ITEM', 'LOAD_UNKNOWN_KEY',
    'LOAD_UNUSED_LIST', 'LOAD_UNUSED_LIST', 'LOAD_UNUSED_MACRO']);
});

test('LOAD_NO_EVTTYPE for syscall rules without an event type, unless warn_evttypes: false', () => {
  assert.deepEqual(codes(load(rule('r', 'proc.name = cat'))), ['LOAD_NO_EVTTYPE']);
  assert.deepEqual(codes(load(rule('r', 'proc.name = cat', '  warn_evttypes: false\n'))), []);
  assert.deepEqual(codes(load(rule('r', 'evt.type in (open, close) and not proc.name = cat'))), []);
  assert.deepEqual(codes(load(rule('r', 'evt.num = 0'))), []);
});

test('<NA> comparisons on ka./jevt. fields and deprecated fields warn', () => {
  const na = load(rule('r', 'jevt.value[/a] = <NA>', '  source: json\n  output: x\n').replace('  output: out %proc.name\n', ''));
  assert.ok(na.successful, JSON.stringify(na.errors));
  assert.deepEqual(codes(na), ['LOAD_UNSAFE_NA_CHECK']);
  const dir = load(rule('r', 'evt.type = open and evt.dir = <'));
  assert.deepEqual(codes(dir), ['LOAD_DEPRECATED_ITEM']);
});

test('errors inside folded, literal and multi-line conditions point at the offending token', () => {
  const at = (yaml: string) => {
    const e = load(yaml).errors[0]!;
    return [e.line, e.column, e.itemName];
  };
  const body = (style: string, lines: string[]) => `- rule: r\n  desc: d\n  condition: ${style}\n${lines.map((l) => `    ${l}\n`).join('')}  output: o\n  priority: INFO\n`;
  assert.deepEqual(at(body('>', ['evt.type=open and', 'proc.name = x and', 'proc.nobody = 3'])), [6, 5, 'r']);
  assert.deepEqual(at(body('|', ['evt.type=open and', '  proc.nobody = 3'])), [5, 7, 'r']);
  assert.deepEqual(at(body('evt.type=open and', ['proc.nobody = 3'])), [4, 5, 'r']);
  const withException = rule('r', 'evt.type=open and proc.nobody = 3',
    '  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a]]\n');
  assert.deepEqual(at(withException), [3, 32, 'r']);
});

test('YAML errors are located', () => {
  const parse = load('- rule: [unclosed\n');
  assert.equal(parse.errors[0]!.code, 'LOAD_ERR_YAML_PARSE');
  assert.equal(parse.errors[0]!.line, 2);
  const notList = load('foo: bar\n');
  assert.equal(notList.errors[0]!.message, 'Rules content is not yaml array of objects');
  const noOutput = load('- rule: r\n  desc: d\n  condition: evt.type=open\n  priority: INFO\n');
  assert.equal(noOutput.errors[0]!.message, "Item has no mapping for key 'output'");
  assert.equal(noOutput.errors[0]!.itemName, 'r');
  assert.deepEqual([noOutput.errors[0]!.line, noOutput.errors[0]!.column], [1, 3]);
});

test('a file that fails keeps the rules of the files before it; errors stay with their file', () => {
  const set = load(rule('a', 'evt.type=open'), '- rule: [');
  assert.equal(set.files[0]!.successful, true);
  assert.equal(set.files[1]!.successful, false);
  assert.deepEqual(set.rules.map((r) => r.name), ['a']);
});

test('outputs: fields are checked, %container.info removed, extra formats appended', () => {
  const bad = load(rule('r', 'evt.type=open').replace('out %proc.name', 'out %proc.nobody'));
  assert.equal(bad.errors[0]!.code, 'LOAD_ERR_COMPILE_OUTPUT');
  const set = loadRules([{ name: 'a.yaml', content: rule('r', 'evt.type=open', '  tags: [t]\n').replace('out %proc.name', 'out (%container.info)') }],
    { catalogs, extraOutputFormats: [{ format: 'extra=%evt.type', tags: ['t'] }, { format: 'never', rule: 'other' }] });
  assert.equal(set.rule('r')!.output.format, 'out () extra=%evt.type');
  assert.ok(set.warnings.some((w) => w.code === 'LOAD_DEPRECATED_ITEM' && w.message.startsWith('%container.info is deprecated')));
});

test('json rules evaluate events and render outputs with <NA> for missing values', () => {
  const set = load(`
- rule: admin
  desc: d
  condition: json.value[/user] = admin and json.value[/action] in (delete, drop)
  output: "%json.value[/user] did %json.value[/action] on %json.value[/target]"
  priority: WARNING
  source: json
`);
  assert.ok(set.successful, JSON.stringify(set.errors));
  const r = set.rule('admin')!;
  const ctx = new EvalContext(set.slots);
  const event = { source: 'json', data: { user: 'admin', action: 'drop' } };
  ctx.reset(event);
  assert.equal(r.filter!(ctx), true);
  assert.equal(r.output.render(event), 'admin did drop on <NA>');
  assert.deepEqual(r.output.values(event), { 'json.value[/user]': 'admin', 'json.value[/action]': 'drop', 'json.value[/target]': null });
  ctx.reset({ source: 'json', data: { user: 'bob', action: 'drop' } });
  assert.equal(r.filter!(ctx), false);
  assert.equal(set.rule('admin')!.output.render({ source: 'json', data: { user: ['a', 'b'], action: 1 } }), '["a","b"] did 1 on <NA>');
});

test('rulesets: enable by substring, exact name, wildcard and tag; minimum priority', () => {
  const yaml = `${rule('first rule', 'evt.type=open', '  tags: [a]\n')}${rule('second rule', 'evt.type=open', '  tags: [b]\n  enabled: false\n')}`;
  const set = loadRules([{ name: 'x.yaml', content: yaml.replace('INFO', 'ERROR') }], { catalogs, minimumPriority: 'warning' });
  assert.deepEqual(set.enabledRules().map((r) => r.name), ['first rule']);
  set.enable('second', true, 'substring', 'mine');
  assert.deepEqual(set.enabledRules('mine').map((r) => r.name), []);
  set.enable('*rule', true, 'wildcard', 'all');
  assert.deepEqual(set.enabledRules('all').map((r) => r.name), ['first rule']);
  set.enableTags(['a'], false, 'all');
  assert.equal(set.enabledRules('all').length, 0);
  assert.ok(matchesWildcard('*second*r*', 'second disabled rule'));
  assert.ok(!matchesWildcard('*a', 'aba'));
});

test('a rule redefined with another source is an error; a redefinition replaces the rule in place', () => {
  const other = load(rule('r', 'evt.type=open'), rule('r', 'json.value[/a] = b', '  source: json\n'));
  assert.equal(other.errors[0]!.message, 'Rule has been re-defined with a different source');
  const redefined = load(rule('a', 'evt.type=open') + rule('b', 'evt.type=open'), rule('a', 'evt.type=close'));
  assert.deepEqual(redefined.rules.map((r) => [r.name, r.conditionText]), [['a', 'evt.type = close'], ['b', 'evt.type = open']]);
});

test('lists and macros: override replace redefines, an override before the definition is an error', () => {
  const list = load('- list: l\n  items: [a]\n- list: l\n  items: [b]\n  override:\n    items: replace\n' + rule('r', 'evt.type=open and proc.name in (l)'));
  assert.equal(cond(list), '(evt.type = open and proc.name in (b))');
  const macro = load('- macro: m\n  condition: evt.type=open\n- macro: m\n  condition: evt.type=close\n  override:\n    condition: replace\n' + rule('r', 'm'));
  assert.equal(cond(macro), 'evt.type = close');
  const early = load('- macro: m\n  condition: or evt.type=close\n  override:\n    condition: append\n');
  assert.match(early.errors[0]!.message, /^Macro uses 'append' or 'override.condition: append' but no macro/);
});

test('a list name is substituted wherever it stands alone, as Falco does on the text', () => {
  const set = load('- list: names\n  items: [a, b]\n' + rule('r', 'evt.type=open and (proc.name in (names) or proc.pname=names)'));
  assert.equal(set.errors[0]!.code, 'LOAD_ERR_COMPILE_CONDITION');
  const quoted = load('- list: names\n  items: ["x y", z]\n' + rule('r', 'evt.type=open and proc.name in (names, names_too)'));
  assert.equal(cond(quoted), '(evt.type = open and proc.name in ("x y", z, names_too))');
});

test('exceptions: names must be unique (warning), appends need values (warning), modifiers are accepted', () => {
  const dup = load(rule('r', 'evt.type=open', '  exceptions:\n    - name: e\n      fields: proc.name\n    - name: e\n      fields: fd.name\n'));
  assert.deepEqual(codes(dup), ['LOAD_EXCEPTION_NAME_NOT_UNIQUE']);
  const novalues = load(rule('r', 'evt.type=open', '  exceptions:\n    - name: e\n      fields: proc.name\n'),
    '- rule: r\n  exceptions:\n    - name: e\n  override:\n    exceptions: append\n');
  assert.ok(codes(novalues).includes('LOAD_APPEND_NO_VALUES'));
  const modifiers = load(rule('r', 'evt.type=open', '  exceptions:\n    - name: e\n      fields: proc.name\n      comps: " = oneof "\n      values: [a, b]\n'));
  assert.equal(cond(modifiers), '(evt.type = open and not proc.name = oneof (a, b))');
  const listOpModifier = load(rule('r', 'evt.type=open', '  exceptions:\n    - name: e\n      fields: [proc.name]\n      comps: [in oneof]\n      values: [[[a]]]\n'));
  assert.equal(listOpModifier.errors[0]!.message, "'in oneof' is not a supported comparison operator");
});

test('required keys and empty names are YAML validation errors', () => {
  assert.equal(load('- list:\n  items: [a]\n').errors[0]!.message, "Mapping for key 'list' is empty");
  assert.equal(load('- list: l\n').errors[0]!.message, "Item has no mapping for key 'items'");
  assert.equal(load('- macro: m\n').errors[0]!.message, "Item has no mapping for key 'condition'");
  assert.equal(load('- list: l\n  items: a\n').errors[0]!.message, 'Value is not a sequence');
  assert.equal(load('- foo\n').errors[0]!.message, 'Unexpected element type. Each element should be a yaml associative array.');
  assert.equal(load(rule('r', 'evt.type=open', '  capture_duration: soon\n')).errors[0]!.message, "Can't decode YAML scalar value");
});

test('required_plugin_versions: an invalid version or a repeated alternative is an error', () => {
  const bad = load('- required_plugin_versions:\n  - name: json\n    version: latest\n');
  assert.equal(bad.errors[0]!.message, "Invalid required version 'latest' for plugin 'json'");
  const twice = load('- required_plugin_versions:\n  - name: json\n    version: 0.1.0\n    alternatives:\n      - name: json\n        version: 0.2.0\n');
  assert.equal(twice.errors[0]!.message, "Defined multiple alternative version requirements for plugin 'json'");
});

test('describe() gives the rules, macros and lists as Falco describes them', () => {
  const set = load('- list: inner\n  items: [a]\n- list: l\n  items: [inner, b]\n- macro: m\n  condition: proc.name in (l)\n'
    + rule('r', 'evt.type=open and m', '  capture: true\n  capture_duration: 5\n  tags: [z, a]\n'));
  const d = set.describe() as { rules: Array<{ info: Record<string, unknown>; details: Record<string, unknown> }>; lists: Array<{ info: unknown; details: unknown }> };
  assert.deepEqual(d.rules[0]!.info, {
    name: 'r', condition: 'evt.type=open and m', priority: 'Informational', output: 'out %proc.name', description: 'd',
    enabled: true, source: 'syscall', capture: true, capture_duration: 5, tags: ['a', 'z'],
  });
  assert.equal(d.rules[0]!.details.condition_compiled, '(evt.type = open and proc.name in (a, b))');
  assert.deepEqual(d.lists[1], { info: { name: 'l', items: ['b'] }, details: { used: true, lists: ['inner'], items_compiled: ['a', 'b'] } });
});

test('Falco\'s JSON schema check is reported per file', () => {
  assert.equal(load(rule('r', 'evt.type=open')).files[0]!.schemaValidation, 'ok');
  const odd = load(rule('r', 'evt.type=open', '  colour: red\n'));
  assert.equal(odd.files[0]!.schemaValidation, 'failed');
  assert.ok(odd.successful);
});

test('the rules schema is itself a valid JSON Schema (the loader does not check it at every start)', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  assert.equal(ajv.validateSchema(SCHEMA), true, JSON.stringify(ajv.errors));
  assert.doesNotThrow(() => ajv.compile(SCHEMA));
});

test('a rules selection (Falco\'s `rules:` config) applies in order to the default ruleset', () => {
  const yaml = `${rule('a one', 'evt.type=open', '  tags: [x]\n')}${rule('a two', 'evt.type=open', '  tags: [y]\n  enabled: false\n')}`;
  const select = (selection: Array<{ enable: boolean; rule?: string; tag?: string }>) =>
    loadRules([{ name: 'x.yaml', content: yaml }], { catalogs, selection }).enabledRules().map((r) => r.name);
  assert.deepEqual(select([{ enable: false, rule: '*' }, { enable: true, tag: 'y' }]), ['a two']);
  assert.deepEqual(select([{ enable: true, rule: 'a *' }, { enable: false, tag: 'x' }]), ['a two']);
});

test('an error in what a macro brought into a rule points into the macro, under the rule', () => {
  const set = load('- macro: inner\n  condition: proc.nobody = x\n- macro: outer\n  condition: evt.type = open and inner\n'
    + rule('r', 'proc.name = a and outer'));
  const e = set.errors[0]!;
  assert.equal(e.message, 'filter_check called with nonexistent field proc.nobody');
  assert.deepEqual([e.itemType, e.itemName, e.line, e.column], ['rule', 'r', 2, 14]);
  assert.deepEqual(e.locations.map((l) => `${l.itemType}:${l.itemName}`), ['rules content:', 'rule:r', 'rule condition:', 'macro:inner']);
});
