import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UserError } from '../util/errors.js';

export interface FileLimits {
  /** Files larger than this many bytes are skipped. */
  maxBytes: number;
  /** Skip files with a NUL byte in their first 8 KiB (git's own binary test). */
  skipBinary: boolean;
  /** Honour `.gitignore` files at and below each directory scanned. */
  gitignore: boolean;
  /** Paths (gitignore syntax, relative to the working directory) never scanned. */
  allowPaths?: string[];
}

export const DEFAULT_LIMITS: FileLimits = { maxBytes: 1024 * 1024, skipBinary: true, gitignore: true };

export interface TextFile {
  /** Path as reported: relative to the working directory, with `/` separators. */
  path: string;
  text: string;
}

export interface Skipped {
  binary: string[];
  oversized: string[];
}

export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

const toPosix = (p: string): string => p.split(sep).join('/');

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

function readGitignore(dir: string): IgnoreScope | undefined {
  const file = join(dir, '.gitignore');
  return existsSync(file) ? { base: dir, rules: ignore().add(readFileSync(file, 'utf8')) } : undefined;
}

/** The .gitignore files of the directories above `dir`, up to its repository's root (none outside a repository). */
function enclosingScopes(dir: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  if (existsSync(join(dir, '.git'))) return scopes;
  for (let d = dirname(dir); ; d = dirname(d)) {
    const own = readGitignore(d);
    if (own) scopes.unshift(own);
    if (existsSync(join(d, '.git'))) return scopes;
    if (d === dirname(d)) return [];
  }
}

function ignoredBy(scopes: IgnoreScope[], abs: string, isDir: boolean): boolean {
  return scopes.some((s) => {
    const rel = toPosix(relative(s.base, abs));
    return rel !== '' && !rel.startsWith('..') && s.rules.ignores(isDir ? `${rel}/` : rel);
  });
}

/**
 * The text files under `paths` (files or directories), in a stable order, with the
 * binary and oversized ones set aside.
 */
export function collectFiles(paths: string[], limits: FileLimits, cwd = process.cwd()): { files: TextFile[]; skipped: Skipped } {
  const files: TextFile[] = [];
  const skipped: Skipped = { binary: [], oversized: [] };
  const allowed = ignore().add(limits.allowPaths ?? []);

  const visitFile = (abs: string, size: number): void => {
    const path = toPosix(relative(cwd, abs)) || abs;
    if (!path.startsWith('..') && allowed.ignores(path)) return;
    if (size > limits.maxBytes) return void skipped.oversized.push(path);
    const bytes = readFileSync(abs);
    if (limits.skipBinary && isBinary(bytes)) return void skipped.binary.push(path);
    files.push({ path, text: bytes.toString('utf8') });
  };

  const walk = (dir: string, scopes: IgnoreScope[]): void => {
    const own = limits.gitignore ? readGitignore(dir) : undefined;
    const inScope = own ? [...scopes, own] : scopes;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const abs = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      const isDir = entry.isDirectory();
      if (limits.gitignore && ignoredBy(inScope, abs, isDir)) continue;
      if (isDir) walk(abs, inScope);
      else if (entry.isFile()) visitFile(abs, statSync(abs).size);
    }
  };

  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UserError(`${p}: no such file or directory`);
    const stat = statSync(abs);
    const outer = limits.gitignore ? enclosingScopes(stat.isDirectory() ? abs : dirname(abs)) : [];
    if (stat.isDirectory()) walk(abs, outer);
    else if (!ignoredBy(outer, abs, false)) visitFile(abs, stat.size);
  }
  return { files, skipped };
}
