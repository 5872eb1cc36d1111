/** Findings as text, JSON, or the CSBAuditor alert JSON of seed 003. */
import type { Finding } from '../records/index.js';
import { UserError } from '../util/errors.js';

export type FindingFormat = 'text' | 'json' | 'alert';
export const FINDING_FORMATS: FindingFormat[] = ['text', 'json', 'alert'];

export function parseFormat(name: string): FindingFormat {
  if (!(FINDING_FORMATS as string[]).includes(name)) throw new UserError(`unknown format "${name}" (${FINDING_FORMATS.join(', ')})`);
  return name as FindingFormat;
}

/**
 * The alert record of seed 003: `{"Alert": {id, csp, resourceName, resourceType, rule,
 * ruleType, finding, score, timeStamp, description}}`. `id` numbers the alerts of one run.
 */
export interface CsbAlert {
  Alert: {
    id: number;
    csp: string;
    resourceName: string;
    resourceType: string;
    rule: string;
    ruleType: string;
    finding: string;
    score: number;
    timeStamp: string;
    description: string;
  };
}

export function toAlert(f: Finding, id: number): CsbAlert {
  const csp = (f.location ?? '').split(':')[0]?.toUpperCase() || 'AWS';
  return {
    Alert: {
      id,
      csp,
      resourceName: f.resource,
      resourceType: f.resourceType ?? 'Resource',
      rule: f.rule,
      ruleType: String(f.details?.ruleType ?? f.kind),
      finding: f.title,
      score: Number(f.score.toFixed(1)),
      timeStamp: f.lastSeen.slice(0, 19).replace('T', ' '),
      description: f.description,
    },
  };
}

export function formatFindings(findings: Finding[], format: FindingFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(findings, null, 2) + '\n';
    case 'alert':
      return findings.map((f, i) => JSON.stringify(toAlert(f, i + 1)) + '\n').join('');
    case 'text':
      if (findings.length === 0) return 'no findings\n';
      return findings.map((f) => `[${f.score.toFixed(1).padStart(4)}] ${f.title}: ${f.resource} (${f.rule})\n       ${f.description}\n`).join('');
  }
}
