/**
 * `secrets/samples`: the labelled secret / non-secret corpus. A secret case passes when
 * every expected secret is reported on its line with its exact text; a non-secret case
 * passes when nothing at all is reported for the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanText, uniqueHits } from '../../../src/secrets/index.js';
import { tally, type Suite } from '../suite.js';

interface Case {
  id: string;
  kind: 'secret' | 'non-secret';
  file: string;
  content: string;
  expected: Array<{ line: number; secret: string }>;
  disputed?: string;
}

function check(c: Case): string | undefined {
  const hits = uniqueHits(scanText(c.content, c.file));
  if (c.kind === 'non-secret') {
    return hits.length === 0 ? undefined : `reported ${hits.map((h) => `${h.rule} line ${h.line} "${h.secret}"`).join(', ')}`;
  }
  const missing = c.expected.filter((e) => !hits.some((h) => h.line === e.line && h.secret === e.secret));
  if (missing.length === 0) return undefined;
  const seen = hits.map((h) => `${h.rule}@${h.line} "${h.secret}"`).join(', ') || 'nothing';
  return `missed ${missing.map((e) => `line ${e.line} "${e.secret}"`).join(', ')}; saw ${seen}`;
}

const percent = (n: number, d: number): string => `${((100 * n) / Math.max(d, 1)).toFixed(1)}%`;

export const secretsSamples: Suite = {
  name: 'secrets/samples',
  requires: 'secrets/samples.json',
  async run(root) {
    const cases: Case[] = JSON.parse(readFileSync(join(root, 'secrets/samples.json'), 'utf8')).cases;
    const result = await tally(cases, (c) => c.id, check);
    const failed = new Set(result.failures.map((f) => f.slice(0, f.indexOf(':'))));
    const figures = (subset: Case[], label: string): string => {
      const secrets = subset.filter((c) => c.kind === 'secret');
      const others = subset.filter((c) => c.kind === 'non-secret');
      const found = secrets.filter((c) => !failed.has(c.id)).length;
      const reported = others.filter((c) => failed.has(c.id)).length;
      return `${label}: secrets found ${found}/${secrets.length} (${percent(found, secrets.length)}, bar ≥97%), non-secrets reported ${reported}/${others.length} (${percent(reported, others.length)}, bar ≤3%)`;
    };
    result.notes = [figures(cases, 'all cases'), figures(cases.filter((c) => !c.disputed), 'without disputed')];
    return result;
  },
};
