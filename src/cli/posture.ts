import type { Command } from 'commander';
import { formatFindings, parseFormat, postureTable, runPosture } from '../posture/index.js';
import { findingOptions, loadActual, reportFindings, type FindingOptions } from './posture-output.js';

export default function register(program: Command): void {
  const cmd = program
    .command('posture')
    .description('run the CIS Foundations checks a snapshot can answer: pass/fail table and score')
    .requiredOption('-a, --actual <snapshot>', 'inventory snapshot (vigil JSON or a GCP asset export)');
  findingOptions(cmd, 'table, text, json or alert').action((opts: FindingOptions & { actual: string }) => {
    const snapshot = loadActual(opts.actual);
    const report = runPosture(snapshot);
    const format = opts.format === 'table' ? undefined : parseFormat(opts.format);
    const text = format ? formatFindings(report.findings, format) : postureTable(report);
    reportFindings('posture', snapshot, report.findings, opts, text);
  });
  cmd.setOptionValue('format', 'table');
}
