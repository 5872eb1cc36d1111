import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { git } from './git.js';

const MARK = '# vigil secrets pre-commit hook';

/** The pre-commit hook: scan what is being committed, against `.secrets.baseline` when the repository has one. */
export function hookScript(command: string[]): string {
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  return [
    '#!/bin/sh',
    MARK,
    'if [ -f .secrets.baseline ]; then',
    `  exec ${quoted} secrets scan --staged --no-store --baseline .secrets.baseline`,
    'fi',
    `exec ${quoted} secrets scan --staged --no-store`,
    '',
  ].join('\n');
}

/**
 * Writes the hook where git looks for it (honouring core.hooksPath). An existing hook
 * that vigil did not write is kept unless `force`.
 */
export function installHook(cwd: string, command: string[], force = false): string {
  const path = resolve(cwd, git(cwd, ['rev-parse', '--git-path', 'hooks/pre-commit']).trim());
  if (existsSync(path) && !readFileSync(path, 'utf8').includes(MARK) && !force) {
    throw new UserError(`${path}: a pre-commit hook is already installed; use --force to replace it`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, hookScript(command));
  chmodSync(path, 0o755);
  return path;
}
