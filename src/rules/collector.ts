/**
 * The collector: lists, macros and rules as they are defined, appended to and replaced across
 * the files loaded in order (falco userspace/engine/rule_loader_collector.cpp). Nothing is
 * compiled here; every check that needs only the definitions is.
 */
import { Context, LoadError } from './messages.js';
import type { Priority } from '../records/priority.js';
import { validateException, type ExceptionInfo } from './exceptions.js';
import { Version } from './version.js';
import type { ConditionSite } from './site.js';
import type { FieldCatalog } from './fields.js';

/** Falco's engine version: rules asking for more are refused. */
export const ENGINE_VERSION = new Version(0, 63, 0);

interface Indexed {
  name: string;
  /** Order of first definition. */
  index: number;
  /** Order of the last change: a macro sees only the macros defined before it. */
  visibility: number;
}

export interface ListInfo extends Indexed {
  ctx: Context;
  items: string[];
}

export interface MacroInfo extends Indexed {
  ctx: Context;
  cond: string;
  condSite: ConditionSite;
}

export interface RuleInfo extends Indexed {
  ctx: Context;
  condSite: ConditionSite;
  outputSite: ConditionSite;
  unknownSource: boolean;
  cond: string;
  source: string;
  desc: string;
  output: string;
  tags: string[];
  exceptions: ExceptionInfo[];
  priority: Priority;
  capture: boolean;
  captureDuration: number;
  enabled: boolean;
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
}

/** An `append: true` or `override:` request: only the keys it sets. */
export interface RuleUpdate {
  ctx: Context;
  name: string;
  source: string;
  cond?: string;
  output?: string;
  desc?: string;
  tags?: string[];
  exceptions?: ExceptionInfo[];
  priority?: Priority;
  capture?: boolean;
  captureDuration?: number;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
}

export interface PluginRequirement {
  name: string;
  version: string;
}

export interface CollectorConfig {
  /** The field catalogue of a source; rules of a source without one are skipped. */
  catalog(source: string): FieldCatalog | undefined;
  warnUnknownSource(message: string, ctx: Context): void;
}

const fail = (message: string, ctx: Context): never => {
  throw new LoadError('LOAD_ERR_VALIDATE', message, ctx);
};

const ERROR_NO_PREVIOUS_MACRO = "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists";
const ERROR_NO_PREVIOUS_LIST = "List uses 'append' or 'override.items: append' but no list by that name already exists";
const ERROR_NO_PREVIOUS_RULE_APPEND = "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists";
const ERROR_NO_PREVIOUS_RULE_REPLACE =
  "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists";

/** Definitions by name, kept in the order they were first defined. */
class Ordered<T extends Indexed> {
  private readonly byName = new Map<string, T>();
  get(name: string): T | undefined {
    return this.byName.get(name);
  }
  values(): T[] {
    return [...this.byName.values()].sort((a, b) => a.index - b.index);
  }
  /** A redefinition keeps the first definition's place. */
  define(info: T, id: number): void {
    const prev = this.byName.get(info.name);
    info.index = prev ? prev.index : id;
    info.visibility = id;
    this.byName.set(info.name, info);
  }
}

export class Collector {
  private counter = 0;
  readonly lists = new Ordered<ListInfo>();
  readonly macros = new Ordered<MacroInfo>();
  readonly rules = new Ordered<RuleInfo>();
  readonly pluginRequirements: PluginRequirement[][] = [];
  requiredEngineVersion = new Version(0, 0, 0);

  constructor(private readonly config: CollectorConfig) {}

  requireEngine(version: Version, ctx: Context): void {
    if (!ENGINE_VERSION.compatibleWith(version)) {
      fail(`Rules require engine version ${version}, but engine version is ${ENGINE_VERSION}`, ctx);
    }
    if (this.requiredEngineVersion.lessThan(version)) this.requiredEngineVersion = version;
  }

  requirePlugins(alternatives: PluginRequirement[], ctx: Context): void {
    const seen = new Set<string>();
    for (const req of alternatives) {
      if (!Version.parse(req.version)) fail(`Invalid required version '${req.version}' for plugin '${req.name}'`, ctx);
      if (seen.has(req.name)) fail(`Defined multiple alternative version requirements for plugin '${req.name}'`, ctx);
      seen.add(req.name);
    }
    this.pluginRequirements.push(alternatives);
  }

  defineList(info: ListInfo): void {
    this.lists.define(info, this.counter++);
  }

  appendList(info: ListInfo): void {
    const prev = this.lists.get(info.name) ?? fail(ERROR_NO_PREVIOUS_LIST, info.ctx);
    prev.items.push(...info.items);
    prev.visibility = this.counter++;
  }

  defineMacro(info: MacroInfo): void {
    this.macros.define(info, this.counter++);
  }

  appendMacro(info: MacroInfo): void {
    const prev = this.macros.get(info.name) ?? fail(ERROR_NO_PREVIOUS_MACRO, info.ctx);
    prev.cond += ` ${info.cond}`;
    prev.visibility = this.counter++;
  }

  defineRule(info: RuleInfo): void {
    this.previousRule(info);
    const catalog = this.config.catalog(info.source);
    if (!catalog) {
      info.unknownSource = true;
      this.config.warnUnknownSource(`Unknown source ${info.source}, skipping`, info.ctx);
    }
    for (const ex of info.exceptions) {
      if (!isValidEntry(ex.fields)) fail('Rule exception item must have fields property with a list of fields', ex.ctx);
      validateException(ex, catalog);
    }
    this.rules.define(info, this.counter++);
  }

  appendRule(update: RuleUpdate): void {
    const prev = this.previousRule(update) ?? fail(ERROR_NO_PREVIOUS_RULE_APPEND, update.ctx);
    if (!hasAnyValue(update)) fail('Appended rule must have exceptions or condition property', update.ctx);
    const checkFields = prev.unknownSource ? undefined : this.config.catalog(prev.source);
    if (update.cond) prev.cond += ` ${update.cond}`;
    if (update.output) prev.output += ` ${update.output}`;
    if (update.desc) prev.desc += ` ${update.desc}`;
    if (update.tags) prev.tags = sortedSet([...prev.tags, ...update.tags]);
    for (const ex of update.exceptions ?? []) {
      const existing = prev.exceptions.find((e) => e.name === ex.name);
      if (!existing) {
        if (!isValidEntry(ex.fields)) fail('Rule exception must have fields property with a list of fields', ex.ctx);
        if (ex.values.length === 0) fail('Rule exception must have values property with a list of values', ex.ctx);
        validateException(ex, checkFields);
        prev.exceptions.push(ex);
      } else {
        if (isValidEntry(ex.fields)) fail('Can not append exception fields to existing exception, only values', ex.ctx);
        if (isValidEntry(ex.comps)) fail('Can not append exception comps to existing exception, only values', ex.ctx);
        existing.values.push(...ex.values);
      }
    }
    prev.visibility = this.counter++;
  }

  replaceRule(update: RuleUpdate): void {
    const prev = this.previousRule(update) ?? fail(ERROR_NO_PREVIOUS_RULE_REPLACE, update.ctx);
    if (!hasAnyValue(update)) fail('The rule must have at least one field that can be replaced', update.ctx);
    if (update.cond !== undefined) prev.cond = update.cond;
    if (update.output !== undefined) prev.output = update.output;
    if (update.desc !== undefined) prev.desc = update.desc;
    if (update.tags !== undefined) prev.tags = update.tags;
    if (update.exceptions !== undefined) prev.exceptions = update.exceptions;
    if (update.priority !== undefined) prev.priority = update.priority;
    if (update.capture !== undefined) prev.capture = update.capture;
    if (update.captureDuration !== undefined) prev.captureDuration = update.captureDuration;
    if (update.enabled !== undefined) prev.enabled = update.enabled;
    if (update.warnEvttypes !== undefined) prev.warnEvttypes = update.warnEvttypes;
    if (update.skipIfUnknownFilter !== undefined) prev.skipIfUnknownFilter = update.skipIfUnknownFilter;
    prev.visibility = this.counter++;
  }

  /** The deprecated stand-alone `enabled:` item. */
  enableRule(name: string, enabled: boolean, ctx: Context): void {
    const prev = this.rules.get(name) ?? fail("Rule has 'enabled' key but no rule by that name already exists", ctx);
    prev.enabled = enabled;
  }

  private previousRule(info: { name: string; source: string; ctx: Context }): RuleInfo | undefined {
    const prev = this.rules.get(info.name);
    if (prev && prev.source !== '' && info.source !== '' && prev.source !== info.source) {
      fail('Rule has been re-defined with a different source', info.ctx);
    }
    return prev;
  }
}

function hasAnyValue(u: RuleUpdate): boolean {
  return [u.cond, u.output, u.desc, u.tags, u.exceptions, u.priority, u.capture, u.captureDuration, u.enabled,
    u.warnEvttypes, u.skipIfUnknownFilter].some((v) => v !== undefined);
}

export function isValidEntry(e: { isList: boolean; item: string; items: unknown[] }): boolean {
  return e.isList ? e.items.length > 0 : e.item !== '';
}

/** Tags are a set in Falco: sorted, without duplicates. */
export function sortedSet(values: string[]): string[] {
  return [...new Set(values)].sort();
}
