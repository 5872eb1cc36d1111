import type { Command } from 'commander';
import { formatFindings, parseFormat, postureTable, runPosture } from '../posture/index.js';
import { actualOptions, findingOptions, loadActual, reportFindings, type ActualOptions, type FindingOptions } from './posture-output.js';

export default function register(program: Command): void {
  const cmd = program.command('posture').description('run the CIS Foundations checks a snapshot can answer: pass/fail table and score');
  findingOptions(actualOptions(cmd), 'table, text, json or alert').action(async (opts: FindingOptions & ActualOptions) => {
    const snapshot = await loadActual(opts);
    const report = runPosture(snapshot);
    const format = opts.format === 'table' ? undefined : parseFormat(opts.format);
    const text = format ? formatFindings(report.findings, format) : postureTable(report);
    await reportFindings('posture', snapshot, report.findings, opts, text);
  });
  cmd.setOptionValue('format', 'table');
}
