/**
 * Rule tests, which Falco lacks: beside `x.yaml`, `x.tests.yaml` lists for each rule the
 * events that must fire it and the events that must not.
 *
 *   - rule: AWS Root Account Used
 *     fires:  [ {...event...} ]
 *     silent: [ {...event...} ]
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import { ruleTestPaths, type RuleSet } from '../rules/index.js';
import { findSource } from '../sources/index.js';
import { UserError, positionAt } from '../util/errors.js';
import { engineFor } from './detect.js';

export interface RuleTestOutcome {
  /** `file:line` of the event. */
  where: string;
  rule: string;
  expect: 'fires' | 'silent';
  /** Undefined when the case passed. */
  problem?: string;
}

interface Case {
  rule: string;
  expect: 'fires' | 'silent';
  event: unknown;
  where: string;
}

function readCases(path: string): Case[] {
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = positionAt(text, e.pos[0], path);
    throw new UserError(`${path}:${p.line}:${p.column}: ${e.message.split('\n')[0]}`);
  }
  const where = (node: Node | null | undefined) => {
    const p = positionAt(text, node?.range?.[0] ?? 0, path);
    return `${path}:${p.line}`;
  };
  if (!isSeq(doc.contents)) throw new UserError(`${path}: a rule tests file is a list of {rule, fires, silent}`);
  const cases: Case[] = [];
  for (const item of doc.contents.items) {
    if (!isMap(item)) throw new UserError(`${where(item as Node)}: each entry needs rule, fires and silent`);
    const rule = item.get('rule');
    if (typeof rule !== 'string') throw new UserError(`${where(item)}: an entry without a rule name`);
    for (const expect of ['fires', 'silent'] as const) {
      const events = item.get(expect, true);
      if (events === undefined) continue;
      if (!isSeq(events)) throw new UserError(`${where(events as Node)}: '${expect}' must be a list of events`);
      for (const event of events.items) cases.push({ rule, expect, event: (event as Node).toJSON(), where: where(event as Node) });
    }
  }
  return cases;
}

/** Runs the rule tests found in `paths` (directories or `*.tests.yaml` files) against a loaded ruleset. */
export function runRuleTests(set: RuleSet, paths: readonly string[]): RuleTestOutcome[] {
  const outcomes: RuleTestOutcome[] = [];
  for (const path of ruleTestPaths(paths)) {
    for (const c of readCases(path)) {
      const outcome: RuleTestOutcome = { where: c.where, rule: c.rule, expect: c.expect };
      outcomes.push(outcome);
      const rule = set.rule(c.rule);
      const source = rule && findSource(rule.source);
      if (!rule || !rule.filter || !source) {
        outcome.problem = rule ? `rule '${c.rule}' is for source ${rule.source}, which vigil does not run` : `no rule named '${c.rule}'`;
        continue;
      }
      const events = source.frame(c.event);
      if (!events || events.length !== 1) {
        outcome.problem = `not one ${source.name} event`;
        continue;
      }
      const data = events[0];
      const alerts = engineFor(set, {}, [rule]).evaluate({ source: source.name, data, timeNs: source.time?.(data) });
      const fired = alerts.length > 0;
      if (fired !== (c.expect === 'fires')) {
        outcome.problem = fired ? `'${c.rule}' fired but must stay silent` : `'${c.rule}' did not fire`;
      }
    }
  }
  return outcomes;
}
