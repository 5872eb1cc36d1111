import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Synthetic credentials in their providers' formats (the GitHub one carries a valid checksum). */
export const GITHUB = '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';
export const STRIPE = 'sk_live_3tehh5g73f3UpQ4emGDzH7K3';
export const SLACK = 'xoxb-317441031738-9511958570745-FztG3IvTn0g6tiGleXnY8qJ4';
export const AWS_ID = 'AKIADMFYK2XZMDB7MJBG';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

/** A fresh git repository in a temp dir, with an identity and no signing. */
export function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-secrets-'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Ada Lovelace');
  git(dir, 'config', 'user.email', 'ada@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function write(dir: string, path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** Writes, stages and commits files; returns the commit id. */
export function commit(dir: string, message: string, files: Record<string, string> = {}): string {
  for (const [path, content] of Object.entries(files)) write(dir, path, content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Runs the real CLI (the built `vigil`) in `cwd`. */
export function vigil(cwd: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
