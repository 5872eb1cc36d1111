/**
 * From rules files and event streams to alerts: the glue between the loader, the sources
 * and the engine, shared by `vigil run`, `vigil demo`, `vigil rules test` and the service.
 */
import { loadRules, readRulesFiles, type CompiledRule, type RuleSet, type LoadOptions } from '../rules/index.js';
import { walk } from '../rules/condition/index.js';
import { fieldReader } from '../rules/fields.js';
import { catalogFor, findSource, sources, toEventBatches, InputError, type InputItem, type Source } from '../sources/index.js';
import type { Alert } from '../records/index.js';
import { Engine, type EngineOptions, type EngineRule, type TypeField } from './engine.js';
import { requiredLiterals } from './type-index.js';
import type { MemberPath } from './members.js';
import { EVENT_TIME, type Member } from '../rules/fields.js';

/** Loads rules files and directories in order, checking each rule against its source's fields. */
export function loadRuleFiles(paths: readonly string[], options: Omit<LoadOptions, 'catalogs'> = {}): RuleSet {
  return loadRules(readRulesFiles(paths), { ...options, catalogs: catalogFor });
}

function engineRule(rule: CompiledRule): EngineRule {
  return {
    name: rule.name,
    priority: rule.priority,
    source: rule.source,
    tags: rule.tags,
    filter: rule.filter!,
    plan: rule.plan,
    usesEventNumber: usesEventNumber(rule),
    condition: rule.condition,
    literals: literalsOf(rule),
    members: membersOf(rule),
    render: (ctx) => {
      const { text, values } = rule.output.apply(ctx.event);
      return { output: text, fields: values };
    },
  };
}

/** Each running source's event-type field, read as its catalogue reads it. */
function typeFields(list: readonly Source[]): Record<string, TypeField> {
  const out: Record<string, TypeField> = {};
  for (const source of list) {
    if (!source.typeField) continue;
    const def = source.catalog.resolve(source.typeField, undefined)?.def;
    const read = def && !def.isList ? fieldReader(def, undefined) : undefined;
    if (read) out[source.name] = { name: source.typeField, read, members: def && memberPaths(source, def.members?.(undefined)) };
  }
  return out;
}

/** Texts of which an event's raw JSON must hold one for the rule to match (see requiredLiterals). */
function literalsOf(rule: CompiledRule): Set<string> | undefined {
  const catalog = catalogFor(rule.source);
  if (!rule.condition || !catalog) return undefined;
  return requiredLiterals(rule.condition, (f) => catalog.resolve(f.name, f.arg)?.def.verbatim === true);
}

/** Members as paths, the event's time as its source's member; undefined when one cannot be told. */
function memberPaths(source: Source, members: readonly Member[] | undefined): MemberPath[] | undefined {
  if (!members) return undefined;
  const out: MemberPath[] = [];
  for (const m of members) {
    if (m !== EVENT_TIME) out.push(m);
    else if (source.timeKey !== undefined) out.push([source.timeKey]);
    else return undefined;
  }
  return out;
}

/** The members of the event's JSON that the rule's condition reads, when it reads nothing else (FieldDef.members). */
function membersOf(rule: CompiledRule): MemberPath[] | undefined {
  const source = findSource(rule.source);
  if (!rule.condition || !source) return undefined;
  const out: MemberPath[] = [];
  let all = true;
  walk(rule.condition, (node) => {
    if (node.kind !== 'field' || !all) return;
    const resolved = source.catalog.resolve(node.name, node.arg);
    const paths = resolved && memberPaths(source, resolved.def.members?.(resolved.arg));
    if (paths) out.push(...paths);
    else all = false;
  });
  return all ? out : undefined;
}

/** Does the rule read evt.num, the event's number in the whole input? */
export function usesEventNumber(rule: CompiledRule): boolean {
  let found = rule.output.fields.includes('evt.num');
  walk(rule.condition, (node) => {
    if (node.kind === 'field' && node.name === 'evt.num') found = true;
  });
  return found;
}

/** An engine for the enabled rules of a ruleset whose sources evaluate events. */
export function engineFor(set: RuleSet, options: EngineOptions = {}, rules = set.enabledRules()): Engine {
  const runnable = rules.filter((r) => r.filter !== undefined).map(engineRule);
  return new Engine(runnable, set.slots, { typeFields: typeFields(sources), ...options });
}

/**
 * The test that passes over JSON lines no rule can match (Engine.lineFilter), for input of one
 * source or of sources judged line by line. In the latter case it still applies when only one
 * source has rules: a line of any other source meets no rule, parsed or not.
 */
export function lineFilterFor(engine: Engine, source: Source | ((doc: unknown) => Source)): ((line: string) => boolean) | undefined {
  if (typeof source !== 'function') return engine.lineFilter(source);
  const [only, ...others] = engine.sources;
  const ruled = only !== undefined && others.length === 0 ? findSource(only) : undefined;
  return ruled && engine.lineFilter(ruled);
}

/** What one chunk of input gave: how many events, their alerts in order, and what could not be read. */
export interface Detection {
  events: number;
  alerts: Alert[];
  errors: InputError[];
}

/** Reads framed input a chunk at a time and yields, for each chunk, the alerts its events raised. */
export async function* detect(
  engine: Engine,
  batches: AsyncIterable<InputItem[]>,
  source: Source | ((doc: unknown) => Source),
): AsyncGenerator<Detection> {
  for await (const items of toEventBatches(batches, source)) {
    const out: Detection = { events: 0, alerts: [], errors: [] };
    for (const item of items) {
      if (item instanceof InputError) {
        out.errors.push(item);
        continue;
      }
      out.events++;
      const alerts = engine.evaluate(item);
      for (const a of alerts) out.alerts.push(a);
    }
    yield out;
  }
}
