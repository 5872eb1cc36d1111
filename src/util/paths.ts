import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/** The folder vigil is installed in (the one holding package.json, rules/ and examples/). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('vigil: cannot find its package folder');
    dir = parent;
  }
  return dir;
})();

export const DEFAULT_RULES_DIR = join(packageRoot, 'rules');
export const EXAMPLES_DIR = join(packageRoot, 'examples');
