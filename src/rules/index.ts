/**
 * The Falco rule language: public surface of src/rules.
 *
 *   const set = loadRules([{ name: 'rules.yaml', content }], { catalogs: (source) => catalogFor(source) });
 *   set.successful, set.errors, set.warnings      // LoadMessage: code, itemType, itemName, message, file, line, column
 *   set.files                                     // the same, per file, with Falco's schema check
 *   for (const rule of set.enabledRules()) {      // default ruleset: enabled rules at or above minimumPriority
 *     rule.filter?.(ctx)                          // ctx = new EvalContext(set.slots); ctx.reset(event) once per event
 *     rule.output.render(event); rule.output.values(event)
 *   }
 *   set.enable('pattern', true, 'wildcard'); set.enableTags(['k8s'], false)
 *   loadRules(files, { catalogs, minimumPriority: 'warning', selection: [{ enable: false, tag: 'k8s' }] })
 *
 * Rules of a source without a catalogue are skipped with LOAD_UNKNOWN_SOURCE, as in Falco.
 * A rule has a `filter` only when its catalogue evaluates events (FieldCatalog.evaluates).
 */
export { loadRules } from './loader.js';
export type { LoadOptions, RulesFile, ExtraOutputFormat, ExtraOutputField } from './loader.js';
export { RuleSet, matchesWildcard } from './ruleset.js';
export type { CompiledRule, CompiledMacro, RuleSelection } from './ruleset.js';
export type { CompiledList } from './expand.js';
export type { CompiledOutput } from './output.js';
export { display as displayValue } from './output.js';
export { formatMessage, snippetOf, CODE_SUMMARIES } from './messages.js';
export type { LoadMessage, FileResult, ErrorCode, WarningCode, Location } from './messages.js';
export { conditionWarnings } from './expand.js';
export { ENGINE_VERSION } from './collector.js';
export type { PluginRequirement } from './collector.js';
export { FieldCatalog } from './fields.js';
export type { FieldDef, FieldValue } from './fields.js';
export { EvalContext, SlotTable, parseCondition, printCondition } from './condition/index.js';
export type { Filter, Expr } from './condition/index.js';
export { readRulesFiles, rulesFilePaths, ruleTestPaths } from './files.js';
