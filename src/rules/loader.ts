/**
 * The loader: rules files → compiled rules. Each file is read into the collector and then
 * everything collected so far is compiled, as Falco's load_rules does, so each file gets its
 * own errors and warnings (falco rule_loader_compiler.cpp, falco_engine.cpp).
 */
import {
  parseCondition, printCondition, compileCondition, ConditionSyntaxError, ConditionCompileError, SlotTable,
  walk, type Check, type Expr, type Filter, type Plan, type Pos,
} from './condition/index.js';
import { RuleSet, type Compiled, type CompiledMacro, type CompiledRule, type RuleSelection } from './ruleset.js';
import type { FieldCatalog } from './fields.js';
import { Collector, type RuleInfo } from './collector.js';
import { LoadError, Results, type FileResult } from './messages.js';
import { readRulesFile } from './reader.js';
import { Version } from './version.js';
import type { ConditionSite } from './site.js';
import { withExceptions } from './exceptions.js';
import {
  substituteLists, resolveMacros, conditionWarnings, eventTypeCount, DEPRECATED_FIELDS, type CompiledList,
} from './expand.js';
import { compileOutput, OutputError, type CompiledOutput } from './output.js';
import { validateSchema } from './schema.js';
import type { Priority } from '../records/priority.js';

export interface ExtraOutputFormat {
  format: string;
  /** Only rules of this source ('' or absent: any). */
  source?: string;
  /** Only rules that have all these tags. */
  tags?: string[];
  /** Only the rule of this name ('' or absent: any). */
  rule?: string;
}

/** A field added to the `output_fields` of some rules (Falco's add_extra_output_*_field). */
export interface ExtraOutputField {
  key: string;
  /** An output format (`%proc.name`, `user=%user.name`); a raw field is `%key`. */
  format: string;
  source?: string;
  tags?: string[];
  rule?: string;
  /** A raw field gives the field's value, a formatted one the rendered format. */
  raw?: boolean;
}

export interface LoadOptions {
  /** The field catalogue of a source, or undefined when vigil has none: its rules are skipped. */
  catalogs: (source: string) => FieldCatalog | undefined;
  /** Rules less severe than this are not enabled (default: debug, i.e. all). */
  minimumPriority?: Priority;
  /** Text appended to the outputs of some rules (Falco's add_extra_output_format). */
  extraOutputFormats?: ExtraOutputFormat[];
  extraOutputFields?: ExtraOutputField[];
  /**
   * Falco's `rules:` selection, applied in order to the default ruleset: enable or disable
   * the rules whose name matches a wildcard pattern, or that have a tag.
   */
  selection?: RuleSelection[];
}



const UNKNOWN_FIELD_ERRORS = ['nonexistent field', 'invalid formatting token', 'unknown event type', 'unknown filter:'];
const isUnknownFieldError = (message: string) => UNKNOWN_FIELD_ERRORS.some((e) => message.includes(e));
const CONTAINER_INFO = '%container.info';
/** Falco gives this warning an empty message; vigil prints the code's summary instead. */
const UNSAFE_NA_MESSAGE = 'Unsafe <NA> comparison in condition';
/** Falco warns when a syscall rule can match more event types than this. */
const EVENT_TYPES_LIMIT = 100;

/** Parses a condition's text, placing a syntax error in its file (with Falco's deeper nesting limit for rules). */
function parse(text: string, site: Pick<ConditionSite, 'at'>): Expr {
  try {
    return parseCondition(text, { maxDepth: 1000 });
  } catch (err) {
    if (err instanceof ConditionSyntaxError) throw new LoadError('LOAD_ERR_COMPILE_CONDITION', err.reason, site.at(err.pos));
    throw err;
  }
}

function compileLists(collector: Collector): CompiledList[] {
  const used = new Set<string>();
  const out = collector.lists.values().map((list) => {
    const items: string[] = [];
    for (const item of list.items) {
      const ref = collector.lists.get(item);
      if (ref && ref.index < list.visibility) {
        used.add(ref.name);
        items.push(...ref.items);
      } else {
        items.push(item);
      }
    }
    return { name: list.name, items, used: false };
  });
  for (const l of out) if (used.has(l.name)) l.used = true;
  return out;
}

/** Which macro's text each position of a macro's AST comes from, to place errors in macros. */
type Origins = WeakMap<Pos, { macro: string; site: ConditionSite }>;

/**
 * Where a position of a condition is: in the condition's own text, or (for what a macro
 * brought in) in that macro's text, under the item being compiled.
 */
function locate(origins: Origins, site: ConditionSite, pos?: Pos, shift = 0) {
  const origin = pos && origins.get(pos);
  return origin ? site.ctx.child('macro', origin.macro, origin.site.mark(pos)) : site.at(pos, shift);
}

function compileMacros(collector: Collector, lists: CompiledList[], origins: Origins): CompiledMacro[] {
  const infos = collector.macros.values();
  const out = new Map<string, CompiledMacro>();
  for (const m of infos) {
    const condition = parse(substituteLists(m.cond, lists), m.condSite);
    walk(condition, (n) => origins.set(n.pos, { macro: m.name, site: m.condSite }));
    out.set(m.name, { name: m.name, conditionSource: m.cond, condition, used: false });
  }
  // A macro sees the macros defined before its last change.
  for (const m of infos) {
    const visible = new Map<string, Expr>();
    for (const other of infos) if (other.index < m.visibility) visible.set(other.name, out.get(other.name)!.condition);
    const macro = out.get(m.name)!;
    const r = resolveMacros(macro.condition, visible);
    if (r.problem) throw new LoadError('LOAD_ERR_VALIDATE', r.problem.message, locate(origins, m.condSite, r.problem.pos));
    macro.condition = r.ast;
    for (const name of r.resolved) out.get(name)!.used = true;
  }
  return [...out.values()];
}

class RuleCompiler {
  readonly slots = new SlotTable();
  /** Each catalogue's comparisons compiled so far (see CompileOptions.checks). */
  private readonly checks = new Map<FieldCatalog, Map<string, Check>>();
  private readonly macroAsts: Map<string, Expr>;

  constructor(
    private readonly options: LoadOptions,
    private readonly res: Results,
    private readonly lists: CompiledList[],
    private readonly macros: CompiledMacro[],
    private readonly origins: Origins,
    /** The rules say they were written for Falco 0.31's in-tree k8s audit engine (see isFalco031Era). */
    private readonly k8sListsAsText: boolean,
  ) {
    this.macroAsts = new Map(macros.map((m) => [m.name, m.condition]));
  }

  /** The compiled rule, or undefined when it is skipped (skip-if-unknown-filter). */
  compile(r: RuleInfo, catalog: FieldCatalog): CompiledRule | undefined {
    const { text: withEx, fields } = r.exceptions.length > 0 ? withExceptions(r.cond, r.exceptions) : { text: r.cond, fields: new Set<string>() };
    const output = this.compileOutput(r, catalog);
    if (!output) return undefined;
    const extraOutputFields = this.compileExtraFields(r, catalog);
    const condition = this.compileCondition(r, withEx, catalog);
    if (!condition) return undefined;
    if (r.source === 'syscall' && r.warnEvttypes && eventTypeCount(condition.ast) > EVENT_TYPES_LIMIT) {
      this.res.warn('LOAD_NO_EVTTYPE', 'Rule matches too many evt.type values. This has a significant performance penalty.', r.ctx);
    }
    return {
      name: r.name,
      description: r.desc,
      priority: r.priority,
      source: r.source,
      tags: r.tags,
      enabled: r.enabled,
      capture: r.capture,
      captureDuration: r.captureDuration,
      conditionSource: r.cond,
      outputSource: r.output,
      condition: condition.ast,
      conditionText: printCondition(condition.ast),
      exceptionFields: [...fields],
      output,
      extraOutputFields,
      filter: catalog.evaluates ? condition.filter : undefined,
      plan: catalog.evaluates ? condition.plan : undefined,
    };
  }

  private compileOutput(r: RuleInfo, catalog: FieldCatalog): CompiledOutput | undefined {
    let format = r.output;
    for (const extra of this.options.extraOutputFormats ?? []) {
      if (appliesTo(extra, r)) format = `${format} ${extra.format}`;
    }
    if (format.includes(CONTAINER_INFO)) {
      this.res.warn('LOAD_DEPRECATED_ITEM',
        '%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.',
        r.ctx);
      format = format.replaceAll(CONTAINER_INFO, '');
    }
    let output: CompiledOutput;
    try {
      output = compileOutput(format, catalog);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      if (r.skipIfUnknownFilter && isUnknownFieldError(err.message)) {
        this.res.warn('LOAD_UNKNOWN_FILTER', err.message, r.outputSite.ctx);
        return undefined;
      }
      throw new LoadError('LOAD_ERR_COMPILE_OUTPUT', err.message, r.outputSite.ctx);
    }
    this.warnDeprecatedInOutput(format, r);
    return output;
  }

  private compileExtraFields(r: RuleInfo, catalog: FieldCatalog): CompiledRule['extraOutputFields'] {
    const out: CompiledRule['extraOutputFields'] = {};
    for (const extra of this.options.extraOutputFields ?? []) {
      if (!appliesTo(extra, r)) continue;
      try {
        out[extra.key] = { output: compileOutput(extra.format, catalog), raw: extra.raw ?? false };
      } catch (err) {
        if (!(err instanceof OutputError)) throw err;
        throw new LoadError('LOAD_ERR_COMPILE_OUTPUT', err.message, r.outputSite.ctx);
      }
      this.warnDeprecatedInOutput(extra.format, r);
    }
    return out;
  }

  private warnDeprecatedInOutput(format: string, r: RuleInfo): void {
    for (const field of Object.keys(DEPRECATED_FIELDS)) {
      if (format.includes(field)) {
        this.res.warn('LOAD_DEPRECATED_ITEM', `usage of deprecated field '${field}' has been detected in the rule output`, r.outputSite.ctx);
      }
    }
  }

  private compileCondition(r: RuleInfo, text: string, catalog: FieldCatalog): { ast: Expr; filter: Filter; plan: Plan } | undefined {
    // Exceptions put the condition in parentheses: positions move by one.
    const shift = r.exceptions.length > 0 ? 1 : 0;
    const site = { at: (pos?: Pos) => locate(this.origins, r.condSite, pos, shift) };
    const resolution = resolveMacros(parse(substituteLists(text, this.lists), site), this.macroAsts);
    if (resolution.problem) throw new LoadError('LOAD_ERR_VALIDATE', resolution.problem.message, site.at(resolution.problem.pos));
    for (const name of resolution.resolved) this.macros.find((m) => m.name === name)!.used = true;
    const ast = resolution.ast;
    const warnings = conditionWarnings(ast);
    if (warnings.unsafeNA) this.res.warn('LOAD_UNSAFE_NA_CHECK', UNSAFE_NA_MESSAGE, site.at(undefined));
    for (const field of warnings.deprecated) this.res.warn('LOAD_DEPRECATED_ITEM', DEPRECATED_FIELDS[field]!, site.at(undefined));
    try {
      let checks = this.checks.get(catalog);
      if (!checks) this.checks.set(catalog, (checks = new Map()));
      const listsAsText = this.k8sListsAsText && r.source === 'k8s_audit';
      const compiled = compileCondition(ast, catalog, { slots: this.slots, checks, listsAsText });
      for (const w of compiled.warnings) this.res.warn('LOAD_COMPILE_CONDITION', w.message, site.at(w.pos));
      return { ast, filter: compiled.filter, plan: compiled.plan };
    } catch (err) {
      if (!(err instanceof ConditionCompileError)) throw err;
      if (r.skipIfUnknownFilter && isUnknownFieldError(err.reason)) {
        this.res.warn('LOAD_UNKNOWN_FILTER', err.reason, site.at(err.pos));
        return undefined;
      }
      throw new LoadError('LOAD_ERR_COMPILE_CONDITION', err.reason, site.at(err.pos));
    }
  }
}

/** Does an extra output format or field apply to this rule (source, all its tags, name)? */
function appliesTo(extra: { source?: string; tags?: string[]; rule?: string }, r: RuleInfo): boolean {
  return (!extra.source || extra.source === r.source) && (extra.tags ?? []).every((t) => r.tags.includes(t))
    && (!extra.rule || extra.rule === r.name);
}

/**
 * Rules files that ask for an engine version before the k8saudit plugin (Falco 0.32, engine
 * version 12) and none after it: their k8s rules may compare list fields as text, as Falco
 * 0.31's in-tree engine allowed (CompileOptions.listsAsText). No version at all is today's rules.
 */
function isFalco031Era(required: Version): boolean {
  return new Version(0, 0, 0).lessThan(required) && required.lessThan(new Version(0, 12, 0));
}

/** Compiles everything collected; undefined when an error stopped it (recorded in `res`). */
function compileAll(collector: Collector, options: LoadOptions, res: Results): Compiled | undefined {
  let lists: CompiledList[];
  let macros: CompiledMacro[];
  const rules: CompiledRule[] = [];
  let compiler: RuleCompiler;
  try {
    const origins: Origins = new WeakMap();
    lists = compileLists(collector);
    macros = compileMacros(collector, lists, origins);
    compiler = new RuleCompiler(options, res, lists, macros, origins, isFalco031Era(collector.requiredEngineVersion));
    for (const r of collector.rules.values()) {
      if (r.unknownSource) continue;
      const rule = compiler.compile(r, options.catalogs(r.source)!);
      if (rule) rules.push(rule);
    }
  } catch (err) {
    if (!(err instanceof LoadError)) throw err;
    res.error(err.code, err.reason, err.ctx);
    return undefined;
  }
  for (const m of macros) {
    if (!m.used) res.warn('LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro', collector.macros.get(m.name)!.ctx);
  }
  for (const l of lists) {
    if (!l.used) res.warn('LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro', collector.lists.get(l.name)!.ctx);
  }
  return { lists, macros, rules, slots: compiler.slots };
}

export interface RulesFile {
  name: string;
  content: string;
}

/**
 * Loads rules files in order, as `falco -V` does: each file is read and then everything so
 * far is compiled; a file that fails leaves the rules of the previous files in place.
 */
export function loadRules(files: RulesFile[], options: LoadOptions): RuleSet {
  let results = new Results();
  const collector = new Collector({
    catalog: options.catalogs,
    warnUnknownSource: (message, ctx) => results.warn('LOAD_UNKNOWN_SOURCE', message, ctx),
  });
  let compiled: Compiled | undefined;
  const fileResults: FileResult[] = [];
  for (const file of files) {
    results = new Results();
    const read = readRulesFile(file.name, file.content, collector, results);
    const schema = read.docs.length > 0 ? validateSchema(read.docs) : { status: 'none' as const, warnings: [] };
    if (read.ok) {
      const out = compileAll(collector, options, results);
      if (out && results.errors.length === 0) compiled = out;
    }
    fileResults.push({
      name: file.name,
      successful: results.errors.length === 0,
      errors: results.errors,
      warnings: results.warnings,
      schemaValidation: schema.status,
      schemaWarnings: schema.warnings,
    });
  }
  return new RuleSet(fileResults, compiled, collector, options.minimumPriority ?? 'debug', options.selection);
}

