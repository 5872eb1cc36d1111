/**
 * Compiled rules and the rulesets that enable them, with Falco's enable/disable semantics
 * (falco falco_engine.cpp, indexable_ruleset.h) and plugin requirement checks.
 */
import { printCondition, SlotTable, type Expr, type Filter, type Plan } from './condition/index.js';
import type { Collector, PluginRequirement } from './collector.js';
import type { CompiledList } from './expand.js';
import type { CompiledOutput } from './output.js';
import type { FileResult, LoadMessage } from './messages.js';
import { atLeast, displayPriority, type Priority } from '../records/priority.js';
import { Version } from './version.js';

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
  /** The condition's structure over its compiled comparisons (see matcherOf). */
  plan?: Plan;
}

export interface CompiledMacro {
  name: string;
  conditionSource: string;
  condition: Expr;
  used: boolean;
}

export interface Compiled {
  lists: CompiledList[];
  macros: CompiledMacro[];
  rules: CompiledRule[];
  slots: SlotTable;
}

type MatchType = 'substring' | 'exact' | 'wildcard';

/** One step of Falco's `rules:` selection: enable or disable by wildcard name or by tag. */
export interface RuleSelection {
  enable: boolean;
  rule?: string;
  tag?: string;
}

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

