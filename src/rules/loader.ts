/**
 * The loader: rules files → compiled rules. Each file is read into the collector and then
 * everything collected so far is compiled, as Falco's load_rules does, so each file gets its
 * own errors and warnings (falco rule_loader_compiler.cpp, falco_engine.cpp).
 */
import {
  parseCondition, printCondition, compileCondition, ConditionSyntaxError, ConditionCompileError, SlotTable,
  type Expr, type Filter, type Pos,
} from './condition/index.js';
import type { FieldCatalog } from './fields.js';
import { Collector, type PluginRequirement, type RuleInfo } from './collector.js';
import { Context, LoadError, Results, type FileResult, type LoadMessage, type WarningCode } from './messages.js';
import { readRulesFile, type ConditionSite } from './reader.js';
import { withExceptions } from './exceptions.js';
import {
  substituteLists, resolveMacros, conditionWarnings, eventTypeCount, DEPRECATED_FIELDS, type CompiledList,
} from './expand.js';
import { compileOutput, OutputError, type CompiledOutput } from './output.js';
import { validateSchema } from './schema.js';
import { atLeast, type Priority } from '../records/priority.js';
import { Version } from './version.js';

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

export interface RuleSelection {
  enable: boolean;
  rule?: string;
  tag?: string;
}

export interface CompiledRule {
  name: string;
  description: string;
  priority: Priority;
  source: string;
  tags: string[];
  /** Enabled by its definition (`enabled:`), before any enable/disable call. */
  enabled: boolean;
  capture: boolean;
  captureDuration: number;
  /** The condition as written, after appends and overrides. */
  conditionSource: string;
  /** The output as written, after appends and overrides. */
  outputSource: string;
  /** Macros, lists and exceptions expanded. */
  condition: Expr;
  /** `condition` in Falco's canonical form. */
  conditionText: string;
  exceptionFields: string[];
  output: CompiledOutput;
  /** Extra output fields by key (see LoadOptions.extraOutputFields). */
  extraOutputFields: Record<string, { output: CompiledOutput; raw: boolean }>;
  /** The compiled condition, when the source evaluates events (see FieldCatalog.evaluates). */
  filter?: Filter;
}

export interface CompiledMacro {
  name: string;
  conditionSource: string;
  condition: Expr;
  used: boolean;
}

interface Compiled {
  lists: CompiledList[];
  macros: CompiledMacro[];
  rules: CompiledRule[];
  slots: SlotTable;
}

const UNKNOWN_FIELD_ERRORS = ['nonexistent field', 'invalid formatting token', 'unknown event type', 'unknown filter:'];
const isUnknownFieldError = (message: string) => UNKNOWN_FIELD_ERRORS.some((e) => message.includes(e));
const CONTAINER_INFO = '%container.info';
const WARNING_SUMMARY: Partial<Record<WarningCode, string>> = { LOAD_UNSAFE_NA_CHECK: 'Unsafe <NA> comparison in condition' };
const LIST_OR_MACRO_RULE_LIMIT = 100;

/** Parses a condition's text, placing a syntax error in its file. */
function parse(text: string, site: Pick<ConditionSite, 'at'>): Expr {
  try {
    return parseCondition(text);
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

function compileMacros(collector: Collector, lists: CompiledList[]): CompiledMacro[] {
  const infos = collector.macros.values();
  const out = new Map<string, CompiledMacro>();
  for (const m of infos) {
    out.set(m.name, { name: m.name, conditionSource: m.cond, condition: parse(substituteLists(m.cond, lists), m.condSite), used: false });
  }
  // A macro sees the macros defined before its last change.
  for (const m of infos) {
    const visible = new Map<string, Expr>();
    for (const other of infos) if (other.index < m.visibility) visible.set(other.name, out.get(other.name)!.condition);
    const macro = out.get(m.name)!;
    const r = resolveMacros(macro.condition, visible);
    if (r.problem) throw new LoadError('LOAD_ERR_VALIDATE', r.problem.message, m.condSite.at(r.problem.pos));
    macro.condition = r.ast;
    for (const name of r.resolved) out.get(name)!.used = true;
  }
  return [...out.values()];
}

class RuleCompiler {
  readonly slots = new SlotTable();
  private readonly macroAsts: Map<string, Expr>;

  constructor(
    private readonly options: LoadOptions,
    private readonly res: Results,
    private readonly lists: CompiledList[],
    private readonly macros: CompiledMacro[],
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
    if (r.source === 'syscall' && r.warnEvttypes && eventTypeCount(condition.ast) > LIST_OR_MACRO_RULE_LIMIT) {
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

  private compileCondition(r: RuleInfo, text: string, catalog: FieldCatalog): { ast: Expr; filter: Filter } | undefined {
    // Exceptions put the condition in parentheses: positions move by one.
    const shift = r.exceptions.length > 0 ? 1 : 0;
    const site = { at: (pos?: Pos) => r.condSite.at(pos, shift) };
    const resolution = resolveMacros(parse(substituteLists(text, this.lists), site), this.macroAsts);
    if (resolution.problem) throw new LoadError('LOAD_ERR_VALIDATE', resolution.problem.message, site.at(resolution.problem.pos));
    for (const name of resolution.resolved) this.macros.find((m) => m.name === name)!.used = true;
    const ast = resolution.ast;
    const warnings = conditionWarnings(ast);
    if (warnings.unsafeNA) this.res.warn('LOAD_UNSAFE_NA_CHECK', WARNING_SUMMARY.LOAD_UNSAFE_NA_CHECK!, site.at(undefined));
    for (const field of warnings.deprecated) this.res.warn('LOAD_DEPRECATED_ITEM', DEPRECATED_FIELDS[field]!, site.at(undefined));
    try {
      const compiled = compileCondition(ast, catalog, { slots: this.slots });
      for (const w of compiled.warnings) this.res.warn('LOAD_COMPILE_CONDITION', w.message, site.at(w.pos));
      return { ast, filter: compiled.filter };
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

/** Compiles everything collected; undefined when an error stopped it (recorded in `res`). */
function compileAll(collector: Collector, options: LoadOptions, res: Results): Compiled | undefined {
  let lists: CompiledList[];
  let macros: CompiledMacro[];
  const rules: CompiledRule[] = [];
  let compiler: RuleCompiler;
  try {
    lists = compileLists(collector);
    macros = compileMacros(collector, lists);
    compiler = new RuleCompiler(options, res, lists, macros);
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

type MatchType = 'substring' | 'exact' | 'wildcard';

/**
 * Loaded rules: what each file gave (errors, warnings), the compiled rules of the last
 * successful compilation, and named rulesets (sets of enabled rules). The default ruleset
 * holds the rules enabled by their definition and at least as severe as the minimum priority.
 */
export class RuleSet {
  static readonly DEFAULT = 'falco-default-ruleset';
  private readonly rulesets = new Map<string, Set<CompiledRule>>();
  readonly rules: CompiledRule[];
  readonly macros: CompiledMacro[];
  readonly lists: CompiledList[];
  /** Shared by every filter of this ruleset: give it to an EvalContext. */
  readonly slots: SlotTable;

  constructor(
    readonly files: FileResult[],
    compiled: Compiled | undefined,
    private readonly collector: Collector,
    private readonly minimumPriority: Priority,
    selection: RuleSelection[] = [],
  ) {
    this.rules = compiled?.rules ?? [];
    this.macros = compiled?.macros ?? [];
    this.lists = compiled?.lists ?? [];
    this.slots = compiled?.slots ?? new SlotTable();
    this.rulesets.set(RuleSet.DEFAULT, new Set(this.eligible().filter((r) => r.enabled)));
    for (const { enable, rule, tag } of selection) {
      if (rule) this.enable(rule, enable, 'wildcard');
      if (tag) this.enableTags([tag], enable);
    }
  }

  get successful(): boolean {
    return this.files.every((f) => f.successful);
  }

  get errors(): LoadMessage[] {
    return this.files.flatMap((f) => f.errors);
  }

  get warnings(): LoadMessage[] {
    return this.files.flatMap((f) => f.warnings);
  }

  get requiredEngineVersion(): string {
    return this.collector.requiredEngineVersion.toString();
  }

  get pluginRequirements(): PluginRequirement[][] {
    return this.collector.pluginRequirements;
  }

  rule(name: string): CompiledRule | undefined {
    return this.rules.find((r) => r.name === name);
  }

  /**
   * Enables or disables the rules whose name matches: a substring (Falco's enable_rule), the
   * exact name, or a pattern with `*` wildcards. An empty pattern matches every rule.
   */
  enable(pattern: string, enabled = true, match: MatchType = 'substring', ruleset = RuleSet.DEFAULT): void {
    this.apply(ruleset, enabled, (r) => pattern === '' || (match === 'substring' ? r.name.includes(pattern)
      : match === 'exact' ? r.name === pattern : matchesWildcard(pattern, r.name)));
  }

  /** Enables or disables the rules that have at least one of `tags`. */
  enableTags(tags: string[], enabled = true, ruleset = RuleSet.DEFAULT): void {
    this.apply(ruleset, enabled, (r) => r.tags.some((t) => tags.includes(t)));
  }

  enabledRules(ruleset = RuleSet.DEFAULT): CompiledRule[] {
    const set = this.rulesets.get(ruleset);
    return set ? this.rules.filter((r) => set.has(r)) : [];
  }

  /** Why the loaded plugins do not satisfy the files' required_plugin_versions, or undefined. */
  checkPluginRequirements(plugins: PluginRequirement[]): string | undefined {
    for (const alternatives of this.collector.pluginRequirements) {
      const problem = satisfies(alternatives, plugins);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  /** The rules, macros and lists as Falco's `describe_rule` (`-L` JSON) gives them. */
  describe(): Record<string, unknown> {
    return {
      required_engine_version: this.requiredEngineVersion,
      required_plugin_versions: this.pluginRequirements.map(([first, ...alternatives]) => ({ ...first, alternatives })),
      rules: this.rules.map((r) => ({
        info: {
          name: r.name, condition: r.conditionSource, priority: displayPriority(r.priority), output: r.outputSource,
          description: r.description, enabled: r.enabled, source: r.source, capture: r.capture,
          capture_duration: r.captureDuration, tags: r.tags,
        },
        details: {
          condition_compiled: r.conditionText,
          output_compiled: r.output.format,
          output_fields: [...Object.values(r.extraOutputFields).map((f) => f.output.format), ...r.output.fields],
          extra_output_formatted_fields: Object.fromEntries(Object.entries(r.extraOutputFields)
            .filter(([, f]) => !f.raw).map(([key, f]) => [key, f.output.format])),
          exception_fields: r.exceptionFields,
        },
      })),
      macros: this.macros.map((m) => ({
        info: { name: m.name, condition: m.conditionSource },
        details: { used: m.used, condition_compiled: printCondition(m.condition) },
      })),
      lists: this.lists.map((l) => {
        const written = this.collector.lists.get(l.name)?.items ?? [];
        return {
          info: { name: l.name, items: written.filter((i) => l.items.includes(i)) },
          details: { used: l.used, lists: written.filter((i) => !l.items.includes(i)), items_compiled: l.items },
        };
      }),
    };
  }

  private eligible(): CompiledRule[] {
    return this.rules.filter((r) => atLeast(r.priority, this.minimumPriority));
  }

  private apply(ruleset: string, enabled: boolean, matches: (r: CompiledRule) => boolean): void {
    let set = this.rulesets.get(ruleset);
    if (!set) this.rulesets.set(ruleset, (set = new Set()));
    for (const r of this.eligible()) {
      if (!matches(r)) continue;
      if (enabled) set.add(r);
      else set.delete(r);
    }
  }
}

function displayPriority(p: Priority): string {
  return p[0]!.toUpperCase() + p.slice(1);
}

/** Falco's wildcard match: each `*` takes the first occurrence of the text after it. */
export function matchesWildcard(pattern: string, s: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === s;
  if (star > 0) return pattern.slice(0, star) === s.slice(0, star) && matchesWildcard(pattern.slice(star), s.slice(star));
  const next = pattern.replace(/^\*+/, '');
  if (next === '') return true;
  const literal = next.split('*')[0]!;
  const at = s.indexOf(literal);
  return at !== -1 && matchesWildcard(next.slice(literal.length), s.slice(at + literal.length));
}

function satisfies(alternatives: PluginRequirement[], plugins: PluginRequirement[]): string | undefined {
  for (const req of alternatives) {
    const plugin = plugins.find((p) => p.name === req.name);
    if (!plugin) continue;
    const have = Version.parse(plugin.version);
    const want = Version.parse(req.version);
    if (!have) return `Plugin '${plugin.name}' has invalid version string '${plugin.version}'`;
    if (!want || !have.compatibleWith(want)) {
      return `Plugin '${plugin.name}' version '${plugin.version}' is not compatible with required plugin version '${req.version}'`;
    }
    return undefined;
  }
  return `Plugin requirement not satisfied, must load one of: ${alternatives.map((r) => `${r.name} (>= ${r.version})`).join(', ')}`;
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

export { Context };
