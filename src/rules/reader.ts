/**
 * The reader: one rules file's YAML → definitions handed to the collector, item by item, with
 * Falco's structural checks and messages (falco userspace/engine/rule_loader_reader.cpp).
 * Reading a file stops at its first error, as in Falco.
 */
import { Context, LoadError, type ItemType, type Results } from './messages.js';
import { parseYaml, type YNode } from './yaml.js';
import { Version } from './version.js';
import { Collector, sortedSet, type RuleUpdate, type RuleInfo } from './collector.js';
import { emptyEntry, type Entry, type ExceptionInfo } from './exceptions.js';
import { PRIORITIES, type Priority } from '../records/priority.js';
import { ConditionSite } from './site.js';

const yamlError = (message: string, ctx: Context): never => {
  throw new LoadError('LOAD_ERR_YAML_VALIDATE', message, ctx);
};

const WARNING_APPEND = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
const WARNING_ENABLED = "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').";
const ERROR_OVERRIDE_APPEND = "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

const IDENTIFIER = '([a-zA-Z]+[a-zA-Z0-9_]*)';
const BARESTR = '([^()"\'[:space:]=,]+)';
const IDENTIFIER_RX = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const BARESTR_RX = /^[^()"' \t\n\v\f\r=,]+$/;

const RULE_KEYS = ['rule', 'condition', 'output', 'desc', 'priority', 'source', 'enabled', 'capture', 'capture_duration',
  'warn_evttypes', 'skip-if-unknown-filter', 'tags', 'exceptions', 'override', 'append'];
const RULE_APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'];
const RULE_REPLACEABLE = ['condition', 'output', 'desc', 'priority', 'capture', 'capture_duration', 'tags', 'exceptions',
  'enabled', 'warn_evttypes', 'skip-if-unknown-filter'];

// ---- scalar decoding (yaml-cpp's convert<T>)

const TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
const FALSE = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];

type Decoder<T> = (text: string) => T | undefined;
const asString: Decoder<string> = (t) => t;
const asBool: Decoder<boolean> = (t) => (TRUE.includes(t) ? true : FALSE.includes(t) ? false : undefined);
const asUint32: Decoder<number> = (t) => {
  if (!/^\+?[0-9]+$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 0xffffffff ? n : undefined;
};

function ctxOf(node: YNode, type: ItemType, name: string, parent: Context): Context {
  return parent.child(type, name, node.mark);
}

/** Falco's decode_val family: required or optional, may or may not be empty. */
function decode<T>(item: YNode, key: string, as: Decoder<T>, ctx: Context, optional = false, canBeEmpty = false): T | undefined {
  const val = item.get(key);
  if (!val.defined && optional) return undefined;
  if (!val.defined) yamlError(`Item has no mapping for key '${key}'`, ctx);
  if (val.isNull && canBeEmpty) return undefined;
  if (val.isNull) yamlError(`Mapping for key '${key}' is empty`, ctx);
  const valCtx = ctxOf(val, 'value for', key, ctx);
  if (!val.isScalar) yamlError('Value is not a scalar value', valCtx);
  if (val.text === '' && canBeEmpty) return undefined;
  if (val.text === '') yamlError('Value must be non-empty', valCtx);
  const out = as(val.text);
  if (out === undefined) yamlError("Can't decode YAML scalar value", valCtx);
  return out;
}

const required = <T>(item: YNode, key: string, as: Decoder<T>, ctx: Context): T => decode(item, key, as, ctx)!;

function decodeSeq(item: YNode, key: string, ctx: Context, optional: boolean): string[] | undefined {
  const val = item.get(key);
  if (!val.defined && optional) return undefined;
  if (!val.defined) yamlError(`Item has no mapping for key '${key}'`, ctx);
  const valCtx = ctxOf(val, 'value for', key, ctx);
  if (!val.isSeq) yamlError('Value is not a sequence', valCtx);
  return val.items().map((v) => {
    if (!v.isScalar) yamlError('sequence value is not scalar', ctxOf(v, 'list item', '', valCtx));
    return v.text;
  });
}

function decodePriority(item: YNode, ctx: Context): Priority {
  const text = required(item, 'priority', asString, ctx);
  const lower = text.toLowerCase();
  const p = lower === 'info' ? 'informational' : (PRIORITIES as readonly string[]).includes(lower) ? (lower as Priority) : undefined;
  return p ?? yamlError('Invalid priority', ctxOf(item.get('priority'), 'rule priority', '', ctx));
}

function decodeOverrides(item: YNode, appendable: string[], replaceable: string[], ctx: Context) {
  const append = new Set<string>();
  const replace = new Set<string>();
  const val = item.get('override');
  if (!val.defined) return { append, replace };
  const overrideCtx = ctxOf(item, 'overrides', '', ctx);
  for (const keyNode of val.keys()) {
    const key = keyNode.text;
    const opNode = val.get(key);
    // Falco reads both as text with yaml-cpp: null reads "null", a sequence or a map fails.
    if (!(keyNode.isScalar || keyNode.isNull) || !(opNode.isScalar || opNode.isNull)) {
      throw new LoadError('LOAD_ERR_VALIDATE', 'bad conversion', ctxOf(opNode, 'overrides', key, overrideCtx));
    }
    const op = opNode.isNull ? 'null' : opNode.text;
    const keyCtx = ctxOf(keyNode, 'overrides', key, overrideCtx);
    if (op === 'append') {
      if (!appendable.includes(key)) yamlError(`Key '${key}' cannot be appended to, use 'replace' instead`, keyCtx);
      append.add(key);
    } else if (op === 'replace') {
      if (!replaceable.includes(key)) yamlError(`Key '${key}' cannot be replaced`, keyCtx);
      replace.add(key);
    } else {
      const allowed = `${appendable.includes(key) ? 'append ' : ''}${replaceable.includes(key) ? 'replace ' : ''}`;
      yamlError(`Invalid override operation for key '${key}': '${op}'. Allowed values are: ${allowed}`,
        ctxOf(opNode, 'value for', key, overrideCtx));
    }
  }
  return { append, replace };
}

function decodeEntry(val: YNode, key: string, ctx: Context, optional: boolean): Entry {
  const out = emptyEntry();
  if (!val.defined && optional) return out;
  if (!val.defined) yamlError(`Item has no mapping for key '${key}'`, ctx);
  const valCtx = ctxOf(val, 'value for', key, ctx);
  if (val.isScalar) {
    if (val.text === '') yamlError('Value must be non-empty', valCtx);
    out.item = val.text;
  }
  if (val.isSeq) {
    out.isList = true;
    for (const v of val.items()) out.items.push(decodeEntry(v, '', ctxOf(v, 'exception', '', valCtx), false));
  }
  return out;
}

function readExceptions(res: Results, item: YNode, parent: Context, append: boolean): ExceptionInfo[] {
  const exs = item.get('exceptions');
  const out: ExceptionInfo[] = [];
  if (!exs.defined || exs.isNull) return out;
  const exesCtx = ctxOf(exs, 'exceptions', '', parent);
  if (!exs.isSeq) yamlError('Rule exceptions must be a sequence', exesCtx);
  for (const ex of exs.items()) {
    const tmp = ctxOf(ex, 'exception', '', exesCtx);
    if (!ex.isMap) yamlError('Rule exception must be a mapping', tmp);
    const name = required(ex, 'name', asString, tmp);
    const exCtx = ctxOf(ex, 'exception', name, parent);
    if (out.some((e) => e.name === name)) {
      res.warn('LOAD_EXCEPTION_NAME_NOT_UNIQUE', `Multiple definitions of exception '${name}' in the same rule`, exCtx);
    }
    const info: ExceptionInfo = {
      ctx: exCtx,
      name,
      fields: decodeEntry(ex.get('fields'), 'fields', exCtx, append),
      comps: decodeEntry(ex.get('comps'), 'comps', exCtx, true),
      values: [],
    };
    const values = ex.get('values');
    if (values.defined) {
      const valsCtx = ctxOf(values, 'exception values', '', exCtx);
      if (!values.isSeq) yamlError('Rule exception values must be a sequence', valsCtx);
      for (const v of values.items()) info.values.push(decodeEntry(v, '', ctxOf(v, 'exception value', '', valsCtx), false));
    } else if (append) {
      res.warn('LOAD_APPEND_NO_VALUES', 'Overriding/appending exception with no values', exCtx);
    }
    out.push(info);
  }
  return out;
}

function warnUnknownKeys(res: Results, item: YNode, expected: string[], ctx: Context): void {
  for (const k of item.keys()) {
    if (!expected.includes(k.text)) res.warn('LOAD_UNKNOWN_KEY', `Unknown key '${k.text}'. The key will be ignored.`, ctx);
  }
}

/** Reads one file into the collector. False when it stopped at an error (recorded in `res`). */
export function readRulesFile(name: string, content: string, collector: Collector, res: Results): { ok: boolean; docs: YNode[] } {
  const fileCtx = Context.file(name);
  const parsed = parseYaml(name, content);
  if (parsed.error) {
    res.error('LOAD_ERR_YAML_PARSE', parsed.error.message, fileCtx.child('value for', '', parsed.error.mark));
    return { ok: false, docs: [] };
  }
  for (const doc of parsed.docs) {
    if (!doc.defined || doc.isNull) continue;
    try {
      if (!doc.isMap && !doc.isSeq) yamlError('Rules content is not yaml', fileCtx);
      if (!doc.isSeq) yamlError('Rules content is not yaml array of objects', fileCtx);
      for (const item of doc.items()) {
        if (!item.isNull) readItem(collector, res, item, fileCtx);
      }
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      res.error(err.code, err.reason, err.ctx);
      return { ok: false, docs: parsed.docs };
    }
  }
  return { ok: true, docs: parsed.docs };
}

function readItem(collector: Collector, res: Results, item: YNode, parent: Context): void {
  if (!item.isMap) {
    yamlError('Unexpected element type. Each element should be a yaml associative array.',
      ctxOf(item, 'rules content item', '', parent));
  }
  if (item.get('required_engine_version').defined) readEngineVersion(collector, res, item, parent);
  else if (item.get('required_plugin_versions').defined) readPluginVersions(collector, res, item, parent);
  else if (item.get('list').defined) readList(collector, res, item, parent);
  else if (item.get('macro').defined) readMacro(collector, res, item, parent);
  else if (item.get('rule').defined) readRule(collector, res, item, parent);
  else res.warn('LOAD_UNKNOWN_ITEM', 'Unknown top level item', ctxOf(item, 'rules content item', '', parent));
}

function readEngineVersion(collector: Collector, res: Results, item: YNode, parent: Context): void {
  const ctx = ctxOf(item, 'required_engine_version', '', parent);
  let version: Version | undefined;
  const minor = (() => {
    try {
      return decode(item, 'required_engine_version', asUint32, ctx);
    } catch {
      return undefined;
    }
  })();
  if (minor !== undefined) version = new Version(0, minor, 0);
  else {
    const text = required(item, 'required_engine_version', asString, ctx);
    version = Version.parse(text);
    if (!version) yamlError(`Unable to parse engine version '${text}' as a semver string. Expected "x.y.z" semver format.`, ctx);
  }
  collector.requireEngine(version!, ctx);
  warnUnknownKeys(res, item, ['required_engine_version'], ctx);
}

function readPluginVersions(collector: Collector, res: Results, item: YNode, parent: Context): void {
  const reqs = item.get('required_plugin_versions');
  const ctx = ctxOf(reqs, 'required plugin versions', '', parent);
  if (!reqs.isSeq) yamlError('Value of required_plugin_versions must be a sequence', ctx);
  for (const plugin of reqs.items()) {
    const tmp = ctxOf(plugin, 'required plugin versions entry', '', ctx);
    if (!plugin.isMap) yamlError('Plugin version must be a mapping', tmp);
    const name = required(plugin, 'name', asString, tmp);
    const pctx = ctxOf(plugin, 'required plugin versions entry', name, ctx);
    const alternatives = [{ name, version: required(plugin, 'version', asString, pctx) }];
    const alts = plugin.get('alternatives');
    if (alts.defined) {
      if (!alts.isSeq) yamlError('Value of plugin version alternatives must be a sequence', pctx);
      for (const alt of alts.items()) {
        const atmp = ctxOf(alt, 'required plugin versions alternative', '', pctx);
        if (!alt.isMap) yamlError('Plugin version alternative must be a mapping', atmp);
        const altName = required(alt, 'name', asString, atmp);
        const actx = ctxOf(alt, 'required plugin versions alternative', altName, pctx);
        alternatives.push({ name: altName, version: required(alt, 'version', asString, actx) });
      }
    }
    collector.requirePlugins(alternatives, pctx);
  }
  warnUnknownKeys(res, item, ['required_plugin_versions'], ctxOf(item, 'required plugin versions', '', parent));
}

/** The deprecated `append: true`: read, warned about, and refused together with `override`. */
function readAppendFlag(res: Results, item: YNode, ctx: Context): boolean {
  const append = decode(item, 'append', asBool, ctx, true) ?? false;
  if (append) res.warn('LOAD_DEPRECATED_ITEM', WARNING_APPEND, ctx);
  return append;
}

function readList(collector: Collector, res: Results, item: YNode, parent: Context): void {
  const name = required(item, 'list', asString, ctxOf(item, 'list', '', parent));
  const ctx = ctxOf(item, 'list', name, parent);
  if (!BARESTR_RX.test(name)) {
    res.warn('LOAD_INVALID_LIST_NAME', `List has an invalid name. List names should match a regular expression: ${BARESTR}`, ctx);
  }
  const items = decodeSeq(item, 'items', ctx, false)!;
  let append = readAppendFlag(res, item, ctx);
  const overrides = decodeOverrides(item, ['items'], ['items'], ctx);
  if (append && (overrides.append.size > 0 || overrides.replace.size > 0)) yamlError(ERROR_OVERRIDE_APPEND, ctx);
  append ||= overrides.append.has('items');
  const info = { ctx, name, items, index: 0, visibility: 0 };
  if (append) collector.appendList(info);
  else collector.defineList(info);
  warnUnknownKeys(res, item, ['list', 'items', 'append', 'override'], ctx);
}

function readMacro(collector: Collector, res: Results, item: YNode, parent: Context): void {
  const name = required(item, 'macro', asString, ctxOf(item, 'macro', '', parent));
  const ctx = ctxOf(item, 'macro', name, parent);
  if (!IDENTIFIER_RX.test(name)) {
    res.warn('LOAD_INVALID_MACRO_NAME', `Macro has an invalid name. Macro names should match a regular expression: ${IDENTIFIER}`, ctx);
  }
  const cond = required(item, 'condition', asString, ctx);
  const condSite = ConditionSite.of(item.get('condition'), 'macro condition', ctx);
  let append = readAppendFlag(res, item, ctx);
  const overrides = decodeOverrides(item, ['condition'], ['condition'], ctx);
  if (append && (overrides.append.size > 0 || overrides.replace.size > 0)) yamlError(ERROR_OVERRIDE_APPEND, ctx);
  append ||= overrides.append.has('condition');
  const info = { ctx, name, cond, condSite, index: 0, visibility: 0 };
  if (append) collector.appendMacro(info);
  else collector.defineMacro(info);
  warnUnknownKeys(res, item, ['macro', 'condition', 'append', 'override'], ctx);
}

function readRule(collector: Collector, res: Results, item: YNode, parent: Context): void {
  const name = required(item, 'rule', asString, ctxOf(item, 'rule', '', parent));
  const ctx = ctxOf(item, 'rule', name, parent);
  const source = decode(item, 'source', asString, ctx, true, true) ?? '';
  const appendFlag = readAppendFlag(res, item, ctx);
  const overrides = decodeOverrides(item, RULE_APPENDABLE, RULE_REPLACEABLE, ctx);
  const hasOverrides = overrides.append.size > 0 || overrides.replace.size > 0;
  if (appendFlag && hasOverrides) yamlError(ERROR_OVERRIDE_APPEND, ctx);

  if (hasOverrides) {
    // The keys the item sets that an override may name: each must be named by one.
    const expected = new Set([...RULE_APPENDABLE, ...RULE_REPLACEABLE].filter((k) => item.get(k).defined));
    const wants = (ops: Set<string>, op: string, key: string): boolean => {
      if (!ops.has(key)) return false;
      if (!expected.has(key)) yamlError(`An ${op} override for '${key}' was specified but '${key}' is not defined`, ctx);
      expected.delete(key);
      return true;
    };
    // The keys both overrides may name; a replace takes the tags as a sorted set.
    const update = (op: 'append' | 'replace'): RuleUpdate => {
      const has = (key: string) => wants(overrides[op], op, key);
      const u: RuleUpdate = { ctx, name, source: '' };
      if (has('condition')) {
        u.source = source;
        u.cond = required(item, 'condition', asString, ctx);
      }
      if (has('exceptions')) u.exceptions = readExceptions(res, item, ctx, op === 'append');
      if (has('output')) u.output = required(item, 'output', asString, ctx);
      if (has('desc')) u.desc = required(item, 'desc', asString, ctx);
      if (has('tags')) {
        const tags = decodeSeq(item, 'tags', ctx, true) ?? [];
        u.tags = op === 'append' ? tags : sortedSet(tags);
      }
      return u;
    };
    if (overrides.append.size > 0) collector.appendRule(update('append'));
    if (overrides.replace.size > 0) {
      const u = update('replace');
      if (wants(overrides.replace, 'replace', 'priority')) u.priority = decodePriority(item, ctx);
      if (wants(overrides.replace, 'replace', 'capture')) u.capture = required(item, 'capture', asBool, ctx);
      if (wants(overrides.replace, 'replace', 'capture_duration')) {
        u.captureDuration = required(item, 'capture_duration', asUint32, ctx);
      }
      if (wants(overrides.replace, 'replace', 'enabled')) u.enabled = required(item, 'enabled', asBool, ctx);
      if (wants(overrides.replace, 'replace', 'warn_evttypes')) u.warnEvttypes = required(item, 'warn_evttypes', asBool, ctx);
      if (wants(overrides.replace, 'replace', 'skip-if-unknown-filter')) {
        u.skipIfUnknownFilter = required(item, 'skip-if-unknown-filter', asBool, ctx);
      }
      collector.replaceRule(u);
    }
    for (const key of expected) {
      yamlError(`Unexpected key '${key}': no corresponding entry under 'override' is defined.`,
        ctxOf(item.get(key), 'overrides', key, ctx));
    }
  } else if (appendFlag) {
    const u: RuleUpdate = { ctx, name, source };
    if (item.get('condition').defined) u.cond = required(item, 'condition', asString, ctx);
    if (item.get('exceptions').defined) u.exceptions = readExceptions(res, item, ctx, true);
    collector.appendRule(u);
  } else if (!['condition', 'output', 'desc', 'priority'].some((k) => item.get(k).defined)) {
    const enabled = required(item, 'enabled', asBool, ctx);
    res.warn('LOAD_DEPRECATED_ITEM', WARNING_ENABLED, ctx);
    collector.enableRule(name, enabled, ctx);
  } else {
    const cond = required(item, 'condition', asString, ctx);
    const condSite = ConditionSite.of(item.get('condition'), 'rule condition', ctx);
    const output = required(item, 'output', asString, ctx).trim();
    const outputSite = ConditionSite.of(item.get('output'), 'rule output', ctx);
    const desc = required(item, 'desc', asString, ctx);
    const priority = decodePriority(item, ctx);
    const info: RuleInfo = {
      ctx, condSite, outputSite, name, cond, output, desc, priority,
      source: decode(item, 'source', asString, ctx, true) ?? 'syscall',
      enabled: decode(item, 'enabled', asBool, ctx, true) ?? true,
      capture: decode(item, 'capture', asBool, ctx, true) ?? false,
      captureDuration: decode(item, 'capture_duration', asUint32, ctx, true) ?? 0,
      warnEvttypes: decode(item, 'warn_evttypes', asBool, ctx, true) ?? true,
      skipIfUnknownFilter: decode(item, 'skip-if-unknown-filter', asBool, ctx, true) ?? false,
      tags: sortedSet(decodeSeq(item, 'tags', ctx, true) ?? []),
      exceptions: readExceptions(res, item, ctx, false),
      unknownSource: false,
      index: 0,
      visibility: 0,
    };
    collector.defineRule(info);
  }
  warnUnknownKeys(res, item, RULE_KEYS, ctx);
}
