import type { Command } from 'commander';
import { computeDrift, loadExpected } from '../posture/index.js';
import { findingOptions, loadActual, reportFindings, type FindingOptions } from './posture-output.js';

export default function register(program: Command): void {
  findingOptions(
    program
      .command('drift')
      .description('compare the actual state (a snapshot) with the expected state (Terraform state, declared YAML, baseline snapshots)')
      .requiredOption('-e, --expected <paths...>', 'Terraform state files or directories, declared inventory YAML, baseline snapshots')
      .requiredOption('-a, --actual <snapshot>', 'inventory snapshot (vigil JSON or a GCP asset export)'),
  ).action((opts: FindingOptions & { expected: string[]; actual: string }) => {
    const expected = loadExpected(opts.expected);
    const actual = loadActual(opts.actual);
    reportFindings('drift', actual, computeDrift(expected, actual), opts);
  });
}
