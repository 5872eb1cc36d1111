import type { Command } from 'commander';
import { computeDrift, resolveExpected } from '../posture/index.js';
import { actualOptions, findingOptions, loadActual, reportFindings, type ActualOptions, type FindingOptions } from './posture-output.js';

export default function register(program: Command): void {
  const cmd = program
    .command('drift')
    .description('compare the actual state (a snapshot, or AWS now) with the expected state (Terraform state, declared YAML, baseline snapshots)')
    .requiredOption('-e, --expected <paths...>', 'Terraform state files, directories or S3 backend objects (s3://bucket/key), declared inventory YAML, baseline snapshots');
  findingOptions(actualOptions(cmd)).action(async (opts: FindingOptions & ActualOptions & { expected: string[] }) => {
    const expected = await resolveExpected(opts.expected, { region: opts.region, endpoint: opts.endpoint });
    const actual = await loadActual(opts);
    await reportFindings('drift', actual, computeDrift(expected, actual), opts);
  });
}
