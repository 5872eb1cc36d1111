/**
 * The three things vigil scans for secrets: files and directories, the lines being
 * committed, and the lines each commit of a history added.
 */
import ignore from 'ignore';
import { collectFiles, type FileLimits, type Skipped } from './files.js';
import { commitAdditions, repoRoot, stagedAdditions, type AddedLines, type CommitInfo } from './git.js';
import { scanText, uniqueHits, type SecretHit } from './scan.js';

export interface Located extends SecretHit {
  /** For history and diff scans: the commit that introduced the secret. */
  commit?: CommitInfo;
}

export interface ScanResult {
  /** Every detector's hit (a baseline keeps one entry per detector type). */
  hits: Located[];
  /** One hit per secret and place: what is reported. */
  findings: Located[];
  scannedFiles: number;
  skipped: Skipped;
  /** The directory paths are relative to (the repository root for git scans). */
  root: string;
}

export interface ScanSettings extends FileLimits {
  /** Regular expressions: a secret, or the line it is on, matching one is not reported. */
  allowRegexes?: RegExp[];
}

export function scanPaths(paths: string[], settings: ScanSettings, cwd = process.cwd()): ScanResult {
  const { files, skipped } = collectFiles(paths, settings, cwd);
  const perFile = files.map((f) => scanText(f.text, f.path, { allow: settings.allowRegexes }));
  return { hits: perFile.flat(), findings: perFile.flatMap((hits) => uniqueHits(hits)), scannedFiles: files.length, skipped, root: cwd };
}

function scanAdditions(additions: AddedLines[], settings: ScanSettings, root: string): ScanResult {
  const allowedPaths = ignore().add(settings.allowPaths ?? []);
  const skipped: Skipped = { binary: [], oversized: [] };
  const hits: Located[] = [];
  const findings: Located[] = [];
  let scannedFiles = 0;
  for (const a of additions) {
    if (allowedPaths.ignores(a.file)) continue;
    const text = a.lines.join('\n');
    if (text.length > settings.maxBytes) {
      skipped.oversized.push(a.file);
      continue;
    }
    scannedFiles++;
    const found = scanText(text, a.file, { lineNumbers: a.lineNumbers, allow: settings.allowRegexes }).map((hit) =>
      a.commit ? { ...hit, commit: a.commit } : hit,
    );
    hits.push(...found);
    findings.push(...uniqueHits(found));
  }
  return { hits, findings, scannedFiles, skipped, root };
}

/** Only the lines the next commit adds. */
export function scanStaged(settings: ScanSettings, cwd = process.cwd()): ScanResult {
  const root = repoRoot(cwd);
  return scanAdditions(stagedAdditions(root), settings, root);
}

/**
 * Every commit of `range` (default: all branches and tags). Each secret is reported once,
 * at the first commit (parents before children) that added it.
 */
export function scanCommits(settings: ScanSettings, range?: string, cwd = process.cwd()): ScanResult {
  const root = repoRoot(cwd);
  const result = scanAdditions(commitAdditions(root, range), settings, root);
  const first = new Map<string, string>();
  for (const h of result.hits) if (!first.has(h.hashedSecret)) first.set(h.hashedSecret, h.commit!.commit);
  const introducing = (h: Located): boolean => first.get(h.hashedSecret) === h.commit!.commit;
  const seen = new Set<string>();
  const once = (h: Located): boolean => introducing(h) && !seen.has(h.hashedSecret) && !!seen.add(h.hashedSecret);
  return { ...result, hits: result.hits.filter(introducing), findings: result.findings.filter(once) };
}
