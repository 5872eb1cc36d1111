/**
 * falco/loader: rules-file loading cases from Falco's engine unit tests and the
 * falcosecurity/testing `falco -V` cases. Rules use syscall fields (the syscall catalogue plus
 * the README's stub fields); any other source is unknown, as in those tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tally, type Suite } from '../suite.js';
import {
  loadRules, RuleSet, conditionWarnings, parseCondition, snippetOf, type LoadMessage, type ExtraOutputFormat, type ExtraOutputField,
} from '../../../src/rules/index.js';
import { syscallCatalog } from '../../../src/sources/syscall/index.js';
import type { FieldCatalog, FieldDef } from '../../../src/rules/fields.js';

type Check = Record<string, unknown>;

interface LoaderCase {
  id: string;
  yaml?: string;
  filename?: string;
  files?: { filename: string; yaml: string }[];
  condition?: string;
  expect: 'ok' | 'error' | 'warning';
  message_contains: string[];
  codes?: string[];
  checks?: Check[];
  schema_validation?: 'ok' | 'failed';
  api_calls_before_load?: { call: string; args: string[] }[];
  loaded_plugins?: { name: string; version: string }[];
  files_loaded_successfully?: number[];
  exit_code?: number;
}

/** The README's stub fields that the syscall catalogue does not have. */
const STUBS: FieldDef[] = [
  { name: 'container.info', type: 'PT_CHARBUF', isList: false, arg: 'none', argKind: 'none', description: 'stub' },
];

function syscallWithStubs(): FieldCatalog {
  const base = syscallCatalog();
  return syscallCatalog(STUBS.filter((s) => !base.has(s.name)));
}

/** `{'tag1', 'tag2'}` → ['tag1', 'tag2']. */
function tagSet(text: string): string[] {
  return [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}

/** The C++ tests' variables used as api_call arguments. */
const TAG_SETS: Record<string, string[]> = { process_tags: ['process'], exec_process_tags: ['exec process'] };

function rulesetName(arg: string): string {
  const m = /^ruleset_(\d+)_id$/.exec(arg);
  return m ? `ruleset-${m[1]}` : arg;
}

/** Reads `['rules'][0]['info']['condition']` out of a JSON value. */
function atPath(root: unknown, path: string): unknown {
  let cur = root;
  for (const m of path.trim().matchAll(/\[(?:'([^']*)'|(\d+))\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? (cur as Record<string, unknown>)[m[1]] : (cur as unknown[])[Number(m[2])];
  }
  return cur;
}

function matchesItem(m: LoadMessage, type: unknown, name: unknown): boolean {
  return m.locations.some((l) => (type === undefined || l.itemType.toLowerCase() === String(type).toLowerCase()))
    && (name === undefined || m.locations.some((l) => l.itemName === name));
}

export const loaderSuite: Suite = {
  name: 'falco/loader',
  requires: 'falco/loader/loader.json',
  run(root) {
    const cases: LoaderCase[] = JSON.parse(readFileSync(join(root, 'falco/loader/loader.json'), 'utf8'));
    const syscall = syscallWithStubs();
    return tally(cases, (c) => c.id, (c) => (c.condition !== undefined ? checkCondition(c) : checkLoad(c, syscall)));
  },
};

function checkCondition(c: LoaderCase): string | undefined {
  const w = conditionWarnings(parseCondition(c.condition!));
  const codes = [...(w.unsafeNA ? ['LOAD_UNSAFE_NA_CHECK'] : []), ...(w.deprecated.length > 0 ? ['LOAD_DEPRECATED_ITEM'] : [])];
  if (c.expect === 'ok' && codes.length > 0) return `warned ${codes.join(', ')}`;
  for (const code of c.codes ?? []) if (!codes.includes(code)) return `no ${code} (got ${codes.join(', ') || 'none'})`;
  return undefined;
}

function checkLoad(c: LoaderCase, syscall: FieldCatalog): string | undefined {
  const files = c.files?.map((f) => ({ name: f.filename, content: f.yaml }))
    ?? [{ name: c.filename ?? 'rules.yaml', content: c.yaml ?? '' }];
  const extraOutputFormats: ExtraOutputFormat[] = [];
  const extraOutputFields: ExtraOutputField[] = [];
  for (const { call, args } of c.api_calls_before_load ?? []) {
    if (call === 'add_extra_output_format') {
      const [format, source, tags, rule] = args;
      extraOutputFormats.push({ format: format!, source: source!, tags: tagSet(tags!), rule: rule! });
    } else if (call === 'add_extra_output_formatted_field') {
      const [key, format, source, tags, rule] = args;
      extraOutputFields.push({ key: key!, format: format!, source: source!, tags: tagSet(tags!), rule: rule! });
    } else if (call === 'add_extra_output_raw_field') {
      const [key, source, tags, rule] = args;
      extraOutputFields.push({ key: key!, format: `%${key}`, source: source!, tags: tagSet(tags!), rule: rule!, raw: true });
    } else {
      return `unknown api call ${call}`;
    }
  }
  const set = loadRules(files, { catalogs: (s) => (s === 'syscall' ? syscall : undefined), extraOutputFormats, extraOutputFields });
  const contents = new Map(files.map((f) => [f.name, f.content]));
  const errors = set.errors;
  const warnings = set.warnings;
  const all = [...errors, ...warnings];
  const describe = () => `errors: ${errors.map((e) => `${e.code} ${e.message}`).join(' | ') || 'none'}; warnings: ${warnings.map((w) => `${w.code} ${w.message}`).join(' | ') || 'none'}`;

  if (c.loaded_plugins) {
    const satisfied = set.successful && set.checkPluginRequirements(c.loaded_plugins) === undefined;
    for (const check of c.checks ?? []) {
      if ('plugin_requirements_satisfied' in check && check.plugin_requirements_satisfied !== satisfied) {
        return `plugin requirements satisfied: ${satisfied}; ${describe()}`;
      }
    }
    return undefined;
  }

  if (c.expect === 'error' && set.successful) return `loaded without errors; ${describe()}`;
  if (c.expect !== 'error' && !set.successful) return `failed: ${describe()}`;
  if (c.expect === 'warning' && warnings.length === 0) return 'no warnings';
  for (const text of c.message_contains) {
    if (!all.some((m) => m.message.includes(text))) return `no message containing ${JSON.stringify(text)}; ${describe()}`;
  }
  for (const code of c.codes ?? []) if (!all.some((m) => m.code === code)) return `no ${code}; ${describe()}`;
  if (c.schema_validation && set.files[0]!.schemaValidation !== c.schema_validation) {
    return `schema validation ${set.files[0]!.schemaValidation} (${set.files[0]!.schemaWarnings.join('; ')}), expected ${c.schema_validation}`;
  }
  if (c.exit_code !== undefined && (set.successful ? 0 : 1) !== c.exit_code) return `exit code ${set.successful ? 0 : 1}`;
  for (const i of c.files_loaded_successfully ?? []) if (!set.files[i]?.successful) return `file ${i} failed`;

  for (const check of c.checks ?? []) {
    const problem = runCheck(check, set, errors, warnings, contents);
    if (problem) return `${JSON.stringify(check)}: ${problem}; ${describe()}`;
  }
  return undefined;
}

function runCheck(check: Check, set: RuleSet, errors: LoadMessage[], warnings: LoadMessage[], contents: Map<string, string>): string | undefined {
  const rule = (name: unknown) => set.rule(String(name));
  if ('kind' in check) {
    const list = check.kind === 'warning' || check.kind === 'warning_count' ? warnings : errors;
    if (String(check.kind).endsWith('_count')) return list.length === check.equals ? undefined : `${list.length} ${check.kind}`;
    const pattern = check.message_regexp ?? check.message_regex;
    const found = list.some((m) => (check.code === undefined || m.code === check.code) && matchesItem(m, check.item_type, check.item_name)
      && (check.message === undefined || m.message === check.message)
      && (pattern === undefined || new RegExp(String(pattern)).test(m.message)));
    return found === (check.present !== false) ? undefined : 'not found';
  }
  if ('compiled_condition' in check) {
    const { rule: name, equals } = check.compiled_condition as { rule: string; equals: string };
    const text = rule(name)?.conditionText;
    return text === equals ? undefined : `got ${JSON.stringify(text)}`;
  }
  if ('compiled_output' in check) {
    const { rule: name, equals } = check.compiled_output as { rule: string; equals: string };
    const text = rule(name)?.output.format;
    return text === equals ? undefined : `got ${JSON.stringify(text)}`;
  }
  if ('compiled_output_not_contains' in check) {
    const { rule: name, text } = check.compiled_output_not_contains as { rule: string; text: string };
    const format = rule(name)?.output.format;
    return format !== undefined && !format.includes(text) ? undefined : `got ${JSON.stringify(format)}`;
  }
  const formatted = Object.keys(check).find((k) => k.includes('formatted_fields'));
  if (formatted) {
    const { rule: name, equals } = check[formatted] as { rule: string; equals: Record<string, string> };
    const got = Object.fromEntries(Object.entries(rule(name)?.extraOutputFields ?? {})
      .filter(([, f]) => !f.raw).map(([k, f]) => [k, f.output.format]));
    return JSON.stringify(got) === JSON.stringify(equals) ? undefined : `got ${JSON.stringify(got)}`;
  }
  if ('describe_rule' in check) {
    const { path, check: kind, equals } = check.describe_rule as { path: string; check: string; equals: unknown };
    const value = atPath(set.describe(), path);
    const got = kind === 'size' ? (Array.isArray(value) ? value.length : undefined) : value;
    return String(got) === String(equals) ? undefined : `got ${JSON.stringify(got)}`;
  }
  if ('error_contains' in check) {
    return errors.some((e) => e.message.includes(String(check.error_contains))) ? undefined : 'no such error';
  }
  if ('warning_contains' in check) {
    return warnings.some((e) => e.message.includes(String(check.warning_contains))) ? undefined : 'no such warning';
  }
  if ('warning_not_contains' in check) {
    return warnings.some((e) => e.message.includes(String(check.warning_not_contains))) ? 'warned' : undefined;
  }
  if ('error_snippet_contains' in check) {
    const want = String(check.error_snippet_contains);
    return errors.some((e) => snippetOf(e, contents).includes(want)) ? undefined : `snippets: ${errors.map((e) => snippetOf(e, contents)).join(' | ')}`;
  }
  if ('warning_snippet_for' in check) {
    const w = warnings.find((m) => m.message.includes(String(check.warning_snippet_for)));
    if (!w) return 'no such warning';
    const snippet = snippetOf(w, contents);
    if (typeof check.snippet_not_contains === 'string' && snippet.includes(check.snippet_not_contains)) return `snippet ${JSON.stringify(snippet)}`;
    if (typeof check.snippet_contains === 'string' && !snippet.includes(check.snippet_contains)) return `snippet ${JSON.stringify(snippet)}`;
    return undefined;
  }
  if ('has_warnings' in check) return (warnings.length > 0) === check.has_warnings ? undefined : `${warnings.length} warnings`;
  if ('successful' in check) return set.successful === check.successful ? undefined : `successful: ${set.successful}`;
  if ('enabled_rules_count' in check) {
    const { ruleset, equals } = check.enabled_rules_count as { ruleset: string; equals: number };
    const n = set.enabledRules(ruleset).length;
    return n === equals ? undefined : `${n} enabled in ${ruleset}`;
  }
  if ('api_call' in check) return apiCall(set, check.api_call as { call: string; args: string[] });
  return `unknown check ${Object.keys(check).join(',')}`;
}

function apiCall(set: RuleSet, { call, args }: { call: string; args: string[] }): string | undefined {
  const [pattern, enabled, ruleset] = [args[0]!, args[1] === 'true', rulesetName(args[2] ?? '')];
  switch (call) {
    case 'find_ruleset_id':
      return undefined;
    case 'enable_rule':
      set.enable(pattern, enabled, 'substring', ruleset);
      return undefined;
    case 'enable_rule_exact':
      set.enable(pattern, enabled, 'exact', ruleset);
      return undefined;
    case 'enable_rule_wildcard':
      set.enable(pattern, enabled, 'wildcard', ruleset);
      return undefined;
    case 'enable_rule_by_tag':
      set.enableTags(TAG_SETS[pattern] ?? [pattern], enabled, ruleset);
      return undefined;
    default:
      return `unknown api call ${call}`;
  }
}
