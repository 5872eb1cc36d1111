/**
 * falco/k8s_audit: Falco's own Kubernetes audit regression cases, each a list of rules
 * files and a trace, judged as Falco's harness judges them. One suite runs the current
 * plugin-era form of each case (today's rules), another the Falco 0.31.1 form.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tally, type Suite } from '../suite.js';
import { engineFor, loadRuleFiles } from '../../../src/engine/index.js';
import { InputError, findSource, readInputs, toEvents } from '../../../src/sources/index.js';
import { parsePriority } from '../../../src/records/index.js';

interface Expectations {
  rules_file: string[];
  detect?: boolean;
  expected?: Record<string, number>;
  /** At least one alert of this priority. */
  detect_level?: string;
  priority_check?: { priority: string; nonzero: boolean };
  stderr_contains?: string;
  stderr_regexp?: string;
}

interface K8sCase extends Expectations {
  name: string;
  trace_file: string;
  plugin_era: Expectations;
}

const UNRECOGNISED = /data not recognized as a k8s audit event/i;

async function check(root: string, trace: string, e: Expectations): Promise<string | undefined> {
  const set = loadRuleFiles(e.rules_file.map((f) => join(root, f)));
  if (!set.successful) return `rules did not load: ${set.errors.map((m) => m.message).join('; ')}`;
  const engine = engineFor(set);
  const counts = new Map<string, number>();
  const priorities = new Set<string>();
  const errors: string[] = [];
  let total = 0;
  for await (const item of toEvents(readInputs([join(root, trace)]), findSource('k8s_audit')!)) {
    if (item instanceof InputError) {
      errors.push(item.message);
      continue;
    }
    for (const alert of engine.evaluate(item)) {
      total++;
      counts.set(alert.rule, (counts.get(alert.rule) ?? 0) + 1);
      priorities.add(alert.vigil!.priority);
    }
  }
  const wantsError = e.stderr_contains ?? e.stderr_regexp;
  if (wantsError && !errors.some((m) => UNRECOGNISED.test(m))) return `expected the error "${wantsError}", got ${JSON.stringify(errors)}`;
  if (!wantsError && errors.length > 0) return `unexpected input errors: ${errors.join('; ')}`;
  if (e.detect === true && total === 0) return 'expected a detection, got none';
  if (e.detect === false && total > 0) return `expected no alert, got ${JSON.stringify(Object.fromEntries(counts))}`;
  for (const [rule, n] of Object.entries(e.expected ?? {})) {
    if ((counts.get(rule) ?? 0) !== n) return `rule '${rule}' fired ${counts.get(rule) ?? 0} times, expected ${n}`;
  }
  const level = e.priority_check?.nonzero ? e.priority_check.priority : e.detect_level;
  if (level && (e.detect ?? true) && !priorities.has(parsePriority(level)!)) {
    return `no alert of priority ${level} (got ${[...priorities].join(', ')})`;
  }
  return undefined;
}

function suite(name: string, form: (c: K8sCase) => Expectations): Suite {
  return {
    name,
    requires: 'falco/k8s_audit/cases.json',
    run(root) {
      const cases: K8sCase[] = JSON.parse(readFileSync(join(root, 'falco/k8s_audit/cases.json'), 'utf8'));
      return tally(cases, (c) => c.name, (c) => check(root, c.trace_file, form(c)));
    },
  };
}

export const k8sAuditSuite = suite('falco/k8s_audit', (c) => c.plugin_era);
export const k8sAuditLegacySuite = suite('falco/k8s_audit legacy-0.31.1', (c) => c);
