/** Reports of a scan: readable text, JSON, and SARIF 2.1.0 for code-scanning dashboards. */
import { detectors } from './detectors.js';
import { toFinding } from './findings.js';
import type { Located, ScanResult } from './scanner.js';

export type ReportFormat = 'text' | 'json' | 'sarif';

export interface ReportInput {
  result: ScanResult;
  /** The findings to report (new ones, when a baseline is in use). */
  report: Located[];
  /** How many were left out because the baseline knows them. */
  known: number;
  scope: string;
  showSecrets: boolean;
}

/** Keeps enough of a secret to recognise it: its first characters, never its end. */
export function mask(hit: Located): string {
  if (hit.rule === 'private-key') return hit.secret; // the BEGIN marker is not secret
  const keep = Math.min(4, Math.floor(hit.secret.length / 4));
  return hit.secret.slice(0, keep) + '*'.repeat(Math.min(Math.max(hit.secret.length - keep, 4), 16));
}

const shown = (hit: Located, full: boolean): string => (full ? hit.secret : mask(hit));

function text(input: ReportInput): string {
  const lines = input.report.map((h) => {
    const where = `${h.file}:${h.line}:${h.column}`;
    const commit = h.commit ? `  commit ${h.commit.commit.slice(0, 12)} by ${h.commit.author} <${h.commit.email}> on ${h.commit.date}` : '';
    return `${where}  ${h.type} (${h.rule})  ${shown(h, input.showSecrets)}${commit}`;
  });
  const { scannedFiles, skipped } = input.result;
  const extra = [
    input.known ? `${input.known} known from the baseline` : '',
    skipped.binary.length ? `${skipped.binary.length} binary skipped` : '',
    skipped.oversized.length ? `${skipped.oversized.length} oversized skipped` : '',
  ].filter(Boolean);
  const noun = input.report.length === 1 ? 'secret' : 'secrets';
  lines.push(`${input.report.length} ${input.known ? 'new ' : ''}${noun} in ${scannedFiles} files${extra.length ? ` (${extra.join(', ')})` : ''}`);
  return `${lines.join('\n')}\n`;
}

function json(input: ReportInput): string {
  const findings = input.report.map((h) => ({
    file: h.file,
    line: h.line,
    column: h.column,
    rule: h.rule,
    type: h.type,
    secret: shown(h, input.showSecrets),
    hashed_secret: h.hashedSecret,
    fingerprint: toFinding(h, input.scope).fingerprint,
    ...(h.commit ?? {}),
  }));
  const { scannedFiles, skipped } = input.result;
  return `${JSON.stringify({ findings, known: input.known, scannedFiles, skipped }, null, 2)}\n`;
}

function sarif(input: ReportInput): string {
  const used = [...new Set(input.report.map((h) => h.rule))].sort();
  const typeOf = new Map<string, string>(detectors.map((d) => [d.id, d.type]));
  for (const h of input.report) typeOf.set(h.rule, h.type);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vigil',
            version: '0.1.0',
            rules: used.map((id) => ({
              id,
              name: id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
              shortDescription: { text: `${typeOf.get(id)} committed to the repository` },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        results: input.report.map((h) => ({
          ruleId: h.rule,
          ruleIndex: used.indexOf(h.rule),
          level: 'error',
          message: { text: `${h.type}: ${shown(h, input.showSecrets)}${h.commit ? ` (introduced in ${h.commit.commit})` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: h.file },
                region: { startLine: h.line, startColumn: h.column, endColumn: h.column + h.secret.length },
              },
            },
          ],
          partialFingerprints: { 'vigil/secret/v1': toFinding(h, input.scope).fingerprint },
          ...(h.commit ? { properties: { commit: h.commit.commit, author: h.commit.author, email: h.commit.email, date: h.commit.date } } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

export function formatReport(format: ReportFormat, input: ReportInput): string {
  return format === 'json' ? json(input) : format === 'sarif' ? sarif(input) : text(input);
}
