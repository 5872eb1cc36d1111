import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, scanCommits, scanStaged } from '../../src/secrets/index.js';
import { AWS_ID, GITHUB, SLACK, STRIPE, commit, git, makeRepo, write } from './helpers.js';

const settings = { ...DEFAULT_LIMITS };
const secretsOf = (r: { findings: Array<{ secret: string }> }) => r.findings.map((f) => f.secret).sort();

test('--staged sees only the lines being added, at their line numbers', () => {
  const repo = makeRepo();
  commit(repo, 'config', { 'config.py': `import os\nSTRIPE_KEY = "${STRIPE}"\n` });
  write(repo, 'config.py', `import os\nGITHUB_TOKEN = "${GITHUB}"\nSTRIPE_KEY = "${STRIPE}"\nDEBUG = False\n`);
  git(repo, 'add', 'config.py');
  write(repo, 'unstaged.env', `SLACK_TOKEN=${SLACK}\n`); // not staged: not part of the commit
  const result = scanStaged(settings, repo);
  assert.deepEqual(
    result.findings.map((f) => [f.file, f.line, f.secret]),
    [['config.py', 2, GITHUB]],
  );
});

test('--staged: a renamed file brings no new secrets; lines added while renaming do', () => {
  const repo = makeRepo();
  commit(repo, 'add', { 'old/settings.py': `STRIPE_KEY = "${STRIPE}"\nA = 1\nB = 2\nC = 3\n` });
  git(repo, 'mv', 'old', 'new');
  assert.deepEqual(scanStaged(settings, repo).findings, []);
  write(repo, 'new/settings.py', `STRIPE_KEY = "${STRIPE}"\nA = 1\nB = 2\nC = 3\nAWS_ACCESS_KEY_ID = "${AWS_ID}"\n`);
  git(repo, 'add', '-A');
  const result = scanStaged(settings, repo);
  assert.deepEqual(result.findings.map((f) => [f.file, f.line, f.secret]), [['new/settings.py', 5, AWS_ID]]);
});

test('--staged skips binary files, even with a token inside', () => {
  const repo = makeRepo();
  commit(repo, 'init', { 'README.md': '# x\n' });
  write(repo, 'logo.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(`token=${GITHUB}`)]));
  write(repo, 'notes.txt', `token ${GITHUB}\n`);
  git(repo, 'add', '-A');
  assert.deepEqual(scanStaged(settings, repo).findings.map((f) => f.file), ['notes.txt']);
});

test('--history: a secret added then removed is reported once, at the commit that introduced it', () => {
  const repo = makeRepo();
  commit(repo, 'init', { 'app.py': 'print("hi")\n' });
  const added = commit(repo, 'add key', { 'app.py': `print("hi")\nSTRIPE_KEY = "${STRIPE}"\n` });
  commit(repo, 'remove key', { 'app.py': 'import os\nprint("hi")\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\n' });
  commit(repo, 'put it back', { 'app.py': `import os\nprint("hi")\nSTRIPE_KEY = "${STRIPE}"\n` });
  const result = scanCommits(settings, undefined, repo);
  assert.equal(result.findings.length, 1);
  const [f] = result.findings;
  assert.deepEqual([f!.file, f!.line, f!.secret, f!.commit?.commit, f!.commit?.author, f!.commit?.email], ['app.py', 2, STRIPE, added, 'Ada Lovelace', 'ada@example.com']);
  assert.match(f!.commit!.date, /^\d{4}-\d\d-\d\dT/);
});

test('--history: secrets from a merged branch keep their own commit; one the merge itself adds is the merge\'s', () => {
  const repo = makeRepo();
  commit(repo, 'init', { 'a.txt': 'base\n' });
  git(repo, 'checkout', '-q', '-b', 'feature');
  const onBranch = commit(repo, 'feature key', { 'feature.env': `SLACK_TOKEN=${SLACK}\n` });
  git(repo, 'checkout', '-q', 'main');
  commit(repo, 'main work', { 'b.txt': 'main\n' });
  git(repo, 'merge', '-q', '--no-ff', '--no-commit', 'feature');
  write(repo, 'merge.env', `GITHUB_TOKEN=${GITHUB}\n`); // an "evil merge": content no parent has
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'merge feature');
  const merge = git(repo, 'rev-parse', 'HEAD');
  const result = scanCommits(settings, undefined, repo);
  const byFile = Object.fromEntries(result.findings.map((f) => [f.file, f.commit!.commit]));
  assert.deepEqual(byFile, { 'feature.env': onBranch, 'merge.env': merge });
});

test('--diff REV..REV: only the commits of the range', () => {
  const repo = makeRepo();
  commit(repo, 'old', { 'old.env': `STRIPE_KEY=${STRIPE}\n` });
  const base = git(repo, 'rev-parse', 'HEAD');
  const pr = commit(repo, 'pr', { 'new.env': `GITHUB_TOKEN=${GITHUB}\n` });
  const result = scanCommits(settings, `${base}..HEAD`, repo);
  assert.deepEqual(secretsOf(result), [GITHUB]);
  assert.equal(result.findings[0]!.commit!.commit, pr);
});
