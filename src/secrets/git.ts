import { spawnSync } from 'node:child_process';
import { UserError } from '../util/errors.js';

export interface CommitInfo {
  commit: string;
  author: string;
  email: string;
  date: string;
}

/** The lines a patch adds to one file, with their line numbers in the new version. */
export interface AddedLines {
  file: string;
  commit?: CommitInfo;
  lines: string[];
  lineNumbers: number[];
}

export function git(cwd: string, args: string[]): string {
  const run = spawnSync('git', ['-c', 'core.quotePath=false', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.error) throw new UserError(`git: ${run.error.message}`);
  if (run.status !== 0) throw new UserError(`git ${args[0]} in ${cwd}: ${run.stderr.trim().split('\n')[0]}`);
  return run.stdout;
}

export function repoRoot(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).trim();
}

const COMMIT_MARK = '\u001ecommit\u001f';
const FORMAT = `--format=${COMMIT_MARK}%H%x1f%an%x1f%ae%x1f%aI`;
/** Only added lines (`-U0`), renames as renames, no external diff drivers or colour. */
const PATCH = ['-U0', '-M', '--no-color', '--no-ext-diff', '--diff-filter=ACMR'];

function unquote(path: string): string {
  return path.startsWith('"') ? (JSON.parse(path) as string) : path;
}

/** Parses `git diff` / `git log -p` output into the lines each file gains. Binary files carry no lines. */
export function parsePatch(patch: string): AddedLines[] {
  const out: AddedLines[] = [];
  let commit: CommitInfo | undefined;
  let current: AddedLines | undefined;
  let next = 0;
  for (const line of patch.split('\n')) {
    if (line.startsWith(COMMIT_MARK)) {
      const [sha, author, email, date] = line.slice(COMMIT_MARK.length).split('\u001f');
      commit = { commit: sha!, author: author!, email: email!, date: date! };
      current = undefined;
    } else if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4).trim());
      current = target === '/dev/null' ? undefined : { file: target.replace(/^b\//, ''), commit, lines: [], lineNumbers: [] };
      if (current) out.push(current);
    } else if (line.startsWith('@@')) {
      next = Number(/\+(\d+)/.exec(line)?.[1] ?? 0);
    } else if (current && line.startsWith('+')) {
      current.lines.push(line.slice(1));
      current.lineNumbers.push(next++);
    } else if (current && line.startsWith(' ')) {
      next++;
    }
  }
  return out.filter((a) => a.lines.length > 0);
}

/** What `git commit` would add now. */
export function stagedAdditions(cwd: string): AddedLines[] {
  return parsePatch(git(cwd, ['diff', '--cached', ...PATCH]));
}

/**
 * What each commit of `range` (default: every commit of every branch and tag) added,
 * oldest first and parents before children. Merges are diffed against each parent, so
 * lines a merge itself introduces (a conflict resolution) are seen too.
 */
export function commitAdditions(cwd: string, range?: string): AddedLines[] {
  if (range?.startsWith('-')) throw new UserError(`--diff ${range}: expected a revision range such as main..HEAD`);
  const args = ['log', '-p', '-m', '--reverse', '--topo-order', FORMAT, ...PATCH];
  args.push(...(range ? [range, '--'] : ['--all']));
  return parsePatch(git(cwd, args));
}
