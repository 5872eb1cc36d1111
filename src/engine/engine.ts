import { hostname as osHostname } from 'node:os';
import { EvalContext, SlotTable, type Filter } from '../rules/condition/index.js';
import { atLeast, displayPriority, type Alert, type Priority } from '../records/index.js';
import type { VigilEvent } from '../sources/index.js';
import { isoNanos, nowNanos } from './time.js';

/** What the engine needs of a loaded rule. */
export interface EngineRule {
  name: string;
  priority: Priority;
  source: string;
  tags: string[];
  filter: Filter;
  /** The alert text and the fields it shows, for the event in `ctx`. */
  render(ctx: EvalContext): { output: string; fields: Alert['output_fields'] };
}

export interface EngineOptions {
  /** Rules below this priority are not evaluated. */
  minimumPriority?: Priority;
  hostname?: string;
  /** Keep the event in each alert (`vigil.event`). */
  keepEvent?: boolean;
}

/**
 * Evaluates events against a ruleset. Rules are grouped by source, so an event is only
 * offered to the rules written for its source; fields are read once per event whatever
 * the number of rules that use them.
 */
export class Engine {
  private readonly bySource = new Map<string, EngineRule[]>();
  private readonly ctx: EvalContext;
  private readonly hostname: string;

  constructor(
    rules: EngineRule[],
    slots: SlotTable,
    private readonly options: EngineOptions = {},
  ) {
    for (const rule of rules) {
      if (options.minimumPriority && !atLeast(rule.priority, options.minimumPriority)) continue;
      const list = this.bySource.get(rule.source) ?? [];
      list.push(rule);
      this.bySource.set(rule.source, list);
    }
    this.ctx = new EvalContext(slots);
    this.hostname = options.hostname ?? osHostname();
  }

  /** The sources that have at least one rule to run. */
  get sources(): string[] {
    return [...this.bySource.keys()];
  }

  evaluate(event: VigilEvent): Alert[] {
    const rules = this.bySource.get(event.source);
    if (!rules) return [];
    const ctx = this.ctx;
    ctx.reset(event);
    let alerts: Alert[] | undefined;
    for (const rule of rules) {
      if (!rule.filter(ctx)) continue;
      (alerts ??= []).push(this.alert(rule, event));
    }
    return alerts ?? [];
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
