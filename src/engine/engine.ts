import { hostname as osHostname } from 'node:os';
import { EvalContext, matcherOf, SlotTable, type Expr, type Filter, type Matcher, type Plan } from '../rules/condition/index.js';
import type { FieldValue } from '../rules/fields.js';
import { requiredValues } from './type-index.js';
import { atLeast, displayPriority, type Alert, type Priority } from '../records/index.js';
import { UNREAD, type Source, type VigilEvent } from '../sources/index.js';
import { SourceEvent } from '../sources/event.js';
import { cannotHaveType, harmlessEscapes, holdsNoTextOf } from './prefilter.js';
import { MemberReader, type MemberPath } from './members.js';
import { isoNanos, nowNanos } from './time.js';

/** What the engine needs of a loaded rule. */
export interface EngineRule {
  name: string;
  priority: Priority;
  source: string;
  tags: string[];
  filter: Filter;
  /** The filter's structure, which lets the engine join it with the other rules' (matcherOf). */
  plan?: Plan;
  /** The rule reads evt.num, the event's number in the whole input (so every event must be read). */
  usesEventNumber?: boolean;
  /** The expanded condition, which lets the engine index the rule by event type. */
  condition?: Expr;
  /** Texts of which an event's raw JSON line must hold one for the rule to match (requiredLiterals). */
  literals?: ReadonlySet<string>;
  /** The members of the event's JSON that its condition reads, when it reads nothing else (FieldDef.members). */
  members?: readonly MemberPath[];
  /** The alert text and the fields it shows, for the event in `ctx`. */
  render(ctx: EvalContext): { output: string; fields: Alert['output_fields'] };
}

export interface EngineOptions {
  /** Rules below this priority are not evaluated. */
  minimumPriority?: Priority;
  hostname?: string;
  /** Keep the event in each alert (`vigil.event`). */
  keepEvent?: boolean;
  /**
   * Per source, the field that names an event's type (`ct.name`, `ka.verb`) and how to
   * read it: each event is then offered only to the rules that can match its type.
   */
  typeFields?: Record<string, TypeField>;
}

export interface TypeField {
  name: string;
  read: (event: VigilEvent) => FieldValue;
  /** The members it reads (FieldDef.members). */
  members?: readonly MemberPath[];
}

/** Rules in load order, and one function that tells which of them an event meets (made when first needed). */
class RuleGroup {
  private matcher: Matcher | undefined;
  constructor(readonly rules: EngineRule[]) {}

  get match(): Matcher {
    return (this.matcher ??= matcherOf(this.rules.map((r) => r.plan ?? r.filter)));
  }
}

/** The rules of one source, with an index from event type to the rules that can match it. */
class SourceRules {
  private readonly byType = new Map<string, RuleGroup>();
  private readonly anyType: RuleGroup;
  private readonly numbered: boolean;

  constructor(
    rules: EngineRule[],
    private readonly typeField: TypeField | undefined,
    private readonly slots: SlotTable,
  ) {
    this.numbered = rules.some((r) => r.usesEventNumber);
    if (!typeField) {
      this.anyType = new RuleGroup(rules);
      return;
    }
    const required = rules.map((r) => (r.condition ? requiredValues(r.condition, typeField.name) : undefined));
    this.anyType = new RuleGroup(rules.filter((_, i) => required[i] === undefined));
    const values = new Set(required.flatMap((set) => (set ? [...set] : [])));
    for (const value of values) {
      this.byType.set(value, new RuleGroup(rules.filter((_, i) => required[i] === undefined || required[i]!.has(value))));
    }
  }

  /**
   * A test of a raw JSON line that is true when no rule can match its event (see
   * prefilter.ts); undefined when a rule takes events of any type and needs no text of the
   * line, or counts events.
   */
  lineFilter(source: Source): ((line: string) => boolean) | undefined {
    if (!this.typeField || this.numbered || !source.typeKey) return undefined;
    const anyTypeTexts: Array<ReadonlySet<string>> = [];
    for (const rule of this.anyType.rules) {
      if (!rule.literals) return this.memberFilter(source);
      anyTypeTexts.push(rule.literals);
    }
    return cannotHaveType(source.typeKey, new Set(this.byType.keys()), anyTypeTexts);
  }

  /**
   * The same test, for when a rule that takes any type needs no text of the line
   * (`Disallowed K8s User` reads every event's user name): a line is read just to the members
   * that the type and the rules read (members.ts), and passed over when the rules that can
   * take its type, evaluated on those members alone, match none. A rule that reads more must
   * need a text the line lacks.
   */
  private memberFilter(source: Source): ((line: string) => boolean) | undefined {
    const typeField = this.typeField!;
    const groups = [this.anyType, ...this.byType.values()];
    const read = [...new Set(groups.flatMap((g) => g.rules))].filter((r) => r.members);
    if (!typeField.members || !source.frameMembers) return undefined;
    const reader = new MemberReader([...source.frameMembers, ...typeField.members, ...read.flatMap((r) => r.members!)]);
    if (!reader.readable) return undefined;
    const ctx = new EvalContext(this.slots);
    const gates = new Map(groups.map((g) => [g, memberGate(g)]));
    return (line) => {
      const doc = reader.read(line);
      if (doc === undefined) return false;
      const framed = source.frame(doc);
      if (framed?.length !== 1 || framed[0] !== doc) return false;
      const event = new SourceEvent(source, doc, '', 0);
      const gate = gates.get(this.candidates(event));
      if (!gate) return false;
      ctx.reset(event);
      return gate(line, ctx);
    };
  }

  /** The rules that can match this event. */
  candidates(event: VigilEvent): RuleGroup {
    if (!this.typeField) return this.anyType;
    const type = this.typeField.read(event);
    return (typeof type === 'string' && this.byType.get(type)) || this.anyType;
  }
}

/**
 * For the rules of one group, a test of a line whose members are in `ctx` (see memberFilter):
 * true when the rules that read only members match none, and the line holds none of the texts
 * that each other rule needs; undefined when a rule does neither.
 */
function memberGate(rules: RuleGroup): ((line: string, ctx: EvalContext) => boolean) | undefined {
  const byText = rules.rules.filter((r) => !r.members);
  if (byText.some((r) => !r.literals)) return undefined;
  // The group's own matcher when every rule reads only members (the usual case): it is made once.
  const read = byText.length === 0 ? rules : new RuleGroup(rules.rules.filter((r) => r.members));
  const texts = byText.map((r) => r.literals!);
  const holdsNone = holdsNoTextOf(texts);
  const escapesChangeNothing = harmlessEscapes(texts.flatMap((set) => [...set]));
  const matched: number[] = [];
  return (line, ctx) => {
    if (texts.length > 0 && !(escapesChangeNothing(line) && holdsNone(line))) return false;
    if (read.rules.length === 0) return true;
    matched.length = 0;
    read.match(ctx, matched);
    return matched.length === 0;
  };
}

/**
 * Evaluates events against a ruleset. Rules are grouped by source, so an event is only
 * offered to the rules written for its source; fields are read once per event whatever
 * the number of rules that use them.
 */
export class Engine {
  private readonly bySource = new Map<string, SourceRules>();
  private readonly ctx: EvalContext;
  private readonly hostname: string;
  private readonly matched: number[] = [];

  constructor(
    rules: EngineRule[],
    slots: SlotTable,
    private readonly options: EngineOptions = {},
  ) {
    const grouped = new Map<string, EngineRule[]>();
    for (const rule of rules) {
      if (options.minimumPriority && !atLeast(rule.priority, options.minimumPriority)) continue;
      const list = grouped.get(rule.source) ?? [];
      list.push(rule);
      grouped.set(rule.source, list);
    }
    for (const [source, list] of grouped) {
      this.bySource.set(source, new SourceRules(list, options.typeFields?.[source], slots));
    }
    this.ctx = new EvalContext(slots);
    this.hostname = options.hostname ?? osHostname();
  }

  /**
   * For JSON lines of a source: a test that is true when the line's event cannot match any
   * rule, so that it need not be parsed; undefined when that cannot be told from the raw text
   * (or a rule counts events, evt.num, which needs every event read).
   */
  lineFilter(source: Source): ((line: string) => boolean) | undefined {
    if (!source.typeKey) return undefined;
    const rules = this.bySource.get(source.name);
    return rules ? rules.lineFilter(source) : () => true;
  }

  /** The sources that have at least one rule to run. */
  get sources(): string[] {
    return [...this.bySource.keys()];
  }

  evaluate(event: VigilEvent): Alert[] {
    if (event.data === UNREAD) return [];
    const sourceRules = this.bySource.get(event.source);
    if (!sourceRules) return [];
    const group = sourceRules.candidates(event);
    if (group.rules.length === 0) return [];
    const ctx = this.ctx;
    ctx.reset(event);
    const matched = this.matched;
    matched.length = 0;
    group.match(ctx, matched);
    if (matched.length === 0) return [];
    return matched.map((i) => this.alert(group.rules[i]!, event));
  }

  private alert(rule: EngineRule, event: VigilEvent): Alert {
    const { output, fields } = rule.render(this.ctx);
    const time = isoNanos(event.timeNs ?? nowNanos());
    const alert: Alert = {
      time,
      rule: rule.name,
      priority: displayPriority(rule.priority),
      output: `${time.slice(11, 29)}: ${displayPriority(rule.priority)} ${output}`,
      output_fields: fields,
      source: rule.source,
      tags: rule.tags,
      hostname: this.hostname,
      vigil: { priority: rule.priority, ...(event.origin ? { origin: event.origin } : {}) },
    };
    if (this.options.keepEvent) alert.vigil!.event = event.data;
    return alert;
  }
}
