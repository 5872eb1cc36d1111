import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import type { RulesFile } from './loader.js';

const RULES_FILE = /\.ya?ml$/;
const TESTS_FILE = /\.tests\.ya?ml$/;

/**
 * The rules files named on the command line, in order; a directory gives its rules files
 * (`*.yaml`, not the `*.tests.yaml` beside them) in name order.
 */
export function rulesFilePaths(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      throw new UserError(`cannot read rules file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!isDir) return [path];
    return readdirSync(path)
      .filter((name) => RULES_FILE.test(name) && !TESTS_FILE.test(name))
      .sort()
      .map((name) => join(path, name));
  });
}

export function readRulesFiles(paths: readonly string[]): RulesFile[] {
  return rulesFilePaths(paths).map((name) => {
    try {
      return { name, content: readFileSync(name, 'utf8') };
    } catch (err) {
      throw new UserError(`cannot read rules file ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  });
}

/** The rule tests beside the rules files: `x.tests.yaml` for `x.yaml`. */
export function ruleTestPaths(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (statSync(path).isDirectory()) {
      return readdirSync(path).filter((n) => TESTS_FILE.test(n)).sort().map((n) => join(path, n));
    }
    return TESTS_FILE.test(path) ? [path] : [];
  });
}
