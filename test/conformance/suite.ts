/** One conformance suite: a folder of data from a project vigil is compatible with. */
export interface Suite {
  /** Printed name, e.g. `falco/grammar`. */
  name: string;
  /** Folder, relative to the conformance root, that must exist for the suite to run. */
  requires: string;
  run(root: string): Promise<SuiteResult> | SuiteResult;
}

export interface SuiteResult {
  passed: number;
  failed: number;
  /** One line per failed case: its id and why. */
  failures: string[];
  /** Extra figures worth printing (e.g. a percentage the bar is stated in). */
  notes?: string[];
}

/** Runs `check` on every case, turning a throw into a failure that names the case. */
export async function tally<T>(
  cases: T[],
  id: (c: T) => string,
  check: (c: T) => Promise<string | undefined> | string | undefined,
): Promise<SuiteResult> {
  const result: SuiteResult = { passed: 0, failed: 0, failures: [] };
  for (const c of cases) {
    let problem: string | undefined;
    try {
      problem = await check(c);
    } catch (err) {
      problem = `threw ${err instanceof Error ? err.message : String(err)}`;
    }
    if (problem === undefined) result.passed++;
    else {
      result.failed++;
      result.failures.push(`${id(c)}: ${problem}`);
    }
  }
  return result;
}
