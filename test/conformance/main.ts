/**
 * `npm run conformance [-- DIR] [--verbose] [--suite NAME]`: runs every suite against
 * the conformance root (default ../shared/conformance), prints `name: N passed, N failed`
 * per suite, and fails when a suite's pass count drops below its committed floor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suites } from './suites/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../../..');
const floors: Record<string, number> = JSON.parse(
  readFileSync(join(projectRoot, 'test/conformance/floors.json'), 'utf8'),
);

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const only = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--suite');
const root = resolve(positional[0] ?? join(projectRoot, '../shared/conformance'));
const usingDefaultRoot = positional.length === 0;

let belowFloor = 0;
let totalPassed = 0;
let totalFailed = 0;
for (const suite of suites) {
  if (only && suite.name !== only) continue;
  if (!existsSync(join(root, suite.requires))) {
    console.log(`${suite.name}: skipped (no ${suite.requires} under ${root})`);
    continue;
  }
  const result = await suite.run(root);
  totalPassed += result.passed;
  totalFailed += result.failed;
  console.log(`${suite.name}: ${result.passed} passed, ${result.failed} failed`);
  for (const note of result.notes ?? []) console.log(`  ${note}`);
  if (verbose) for (const f of result.failures) console.log(`  FAIL ${f}`);
  const floor = floors[suite.name] ?? 0;
  if (usingDefaultRoot && result.passed < floor) {
    belowFloor++;
    console.log(`  BELOW FLOOR: ${result.passed} < ${floor} (test/conformance/floors.json)`);
    for (const f of result.failures.slice(0, 20)) console.log(`  FAIL ${f}`);
  }
}
console.log(`conformance: ${totalPassed} passed, ${totalFailed} failed`);
if (belowFloor > 0) process.exit(1);
