import type { Command } from 'commander';
import { computeDrift, loadExpected } from '../posture/index.js';
import { actualOptions, findingOptions, loadActual, reportFindings, type ActualOptions, type FindingOptions } from './posture-output.js';

export default function register(program: Command): void {
  const cmd = program
    .command('drift')
    .description('compare the actual state (a snapshot, or AWS now) with the expected state (Terraform state, declared YAML, baseline snapshots)')
    .requiredOption('-e, --expected <paths...>', 'Terraform state files or directories, declared inventory YAML, baseline snapshots');
  findingOptions(actualOptions(cmd)).action(async (opts: FindingOptions & ActualOptions & { expected: string[] }) => {
    const expected = loadExpected(opts.expected);
    const actual = await loadActual(opts);
    reportFindings('drift', actual, computeDrift(expected, actual), opts);
  });
}
