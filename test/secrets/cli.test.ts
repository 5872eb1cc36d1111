import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFindingStore } from '../../src/store/index.js';
import { GITHUB, SLACK, STRIPE, commit, git, makeRepo, vigil, write } from './helpers.js';

test('scan: exit 1 with masked file:line findings, exit 0 when clean, exit 2 on a bad flag', () => {
  const dir = makeRepo();
  write(dir, 'src/config.py', `import os\nSTRIPE_KEY = "${STRIPE}"\n`);
  const found = vigil(dir, 'secrets', 'scan');
  assert.equal(found.status, 1);
  assert.match(found.stdout, /^src\/config\.py:2:15 {2}Stripe Access Key \(stripe-secret-key\) {2}sk_l\*+$/m);
  assert.ok(!found.stdout.includes(STRIPE), 'secrets are masked unless asked');
  assert.ok(vigil(dir, 'secrets', 'scan', '--show-secrets').stdout.includes(STRIPE));

  write(dir, 'src/config.py', 'import os\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\n');
  assert.equal(vigil(dir, 'secrets', 'scan').status, 0);

  const bad = vigil(dir, 'secrets', 'scan', '--max-size', 'lots');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'vigil: --max-size lots: expected a positive number of bytes\n');
});

test('scan respects .gitignore, skips binaries and files over the size limit', () => {
  const dir = makeRepo();
  write(dir, '.gitignore', 'build/\n*.log\n');
  write(dir, 'build/out.js', `const t = "${GITHUB}";\n`);
  write(dir, 'debug.log', `token ${GITHUB}\n`);
  write(dir, 'sub/.gitignore', 'local.env\n');
  write(dir, 'sub/local.env', `SLACK_TOKEN=${SLACK}\n`);
  write(dir, 'img.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(GITHUB)]));
  write(dir, 'big.txt', `${'x'.repeat(5000)}\ntoken ${GITHUB}\n`);
  write(dir, 'app.env', `SLACK_TOKEN=${SLACK}\n`);
  const json = JSON.parse(vigil(dir, 'secrets', 'scan', '--format', 'json', '--max-size', '4096').stdout);
  assert.deepEqual(json.findings.map((f: { file: string }) => f.file), ['app.env']);
  assert.deepEqual(json.skipped, { binary: ['img.png'], oversized: ['big.txt'] });
  // scanning a sub-directory still honours the .gitignore files above it
  write(dir, '.gitignore', 'build/\n*.log\nsub/generated/\n');
  write(dir, 'sub/generated/out.env', `SLACK_TOKEN=${SLACK}\n`);
  const sub = JSON.parse(vigil(join(dir, 'sub'), 'secrets', 'scan', '-f', 'json').stdout);
  assert.deepEqual(sub.findings, []);
  write(dir, 'sub/generated/out.env', '');
  const all = JSON.parse(vigil(dir, 'secrets', 'scan', '-f', 'json', '--no-gitignore', '--max-size', '4096').stdout);
  assert.deepEqual(all.findings.map((f: { file: string }) => f.file).sort(), ['app.env', 'build/out.js', 'debug.log', 'sub/local.env']);
});

test('scan --format sarif writes a SARIF 2.1.0 log with rules, locations and fingerprints', () => {
  const dir = makeRepo();
  write(dir, 'deploy.sh', `#!/bin/sh\nexport GITHUB_TOKEN="${GITHUB}"\n`);
  const log = JSON.parse(vigil(dir, 'secrets', 'scan', '-f', 'sarif').stdout);
  assert.equal(log.version, '2.1.0');
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'vigil');
  assert.deepEqual(run.tool.driver.rules.map((r: { id: string }) => r.id), ['github-ghp']);
  const [result] = run.results;
  assert.equal(result.ruleId, 'github-ghp');
  assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'deploy.sh' });
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 2, startColumn: 22, endColumn: 62 });
  assert.match(result.partialFingerprints['vigil/secret/v1'], /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(log).includes(GITHUB));
});

test('a baseline carries over: known secrets pass although they moved, new ones fail; audit marks survive a rewrite', () => {
  const dir = makeRepo();
  write(dir, 'settings.py', `STRIPE_KEY = "${STRIPE}"\nDB_PASSWORD = "Harbor!maple2291"\n`);
  assert.equal(vigil(dir, 'secrets', 'scan', '--write-baseline', '.secrets.baseline').status, 0);
  const baseline = JSON.parse(readFileSync(join(dir, '.secrets.baseline'), 'utf8'));
  assert.deepEqual(Object.keys(baseline), ['version', 'plugins_used', 'filters_used', 'results', 'generated_at']);
  assert.deepEqual(
    baseline.results['settings.py'].map((e: { type: string; line_number: number }) => [e.line_number, e.type]),
    [[1, 'Secret Keyword'], [1, 'Stripe Access Key'], [2, 'Secret Keyword']],
  );

  write(dir, 'settings.py', `SLACK_TOKEN = "${SLACK}"\nSTRIPE_KEY = "${STRIPE}"\nDB_PASSWORD = "Harbor!maple2291"\n`);
  const run = vigil(dir, 'secrets', 'scan', '--baseline', '.secrets.baseline');
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^settings\.py:1:16 {2}Slack Token/m);
  assert.match(run.stdout, /1 new secret in \d+ files \(2 known from the baseline\)/);

  const audited = vigil(dir, 'secrets', 'audit', '--false-positive', 'settings.py:2', '--true-positive', '1');
  assert.equal(audited.status, 0, audited.stderr);
  assert.match(audited.stdout, /3 entries: 2 secrets, 1 false positives, 0 unaudited/);
  assert.equal(vigil(dir, 'secrets', 'scan', '--write-baseline', '.secrets.baseline').status, 0);
  const rewritten = JSON.parse(readFileSync(join(dir, '.secrets.baseline'), 'utf8'));
  const verdicts = rewritten.results['settings.py'].map((e: { line_number: number; type: string; is_secret?: boolean }) => [e.line_number, e.type, e.is_secret]);
  assert.deepEqual(verdicts, [
    [1, 'Base64 High Entropy String', undefined],
    [1, 'Secret Keyword', undefined],
    [1, 'Slack Token', undefined],
    [2, 'Secret Keyword', true],
    [2, 'Stripe Access Key', true],
    [3, 'Secret Keyword', false],
  ]);
  assert.equal(vigil(dir, 'secrets', 'scan', '--baseline', '.secrets.baseline').status, 0);
  const wrong = vigil(dir, 'secrets', 'audit', '--true-positive', 'nope.py:9');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /no baseline entry matches "nope\.py:9"/);
});

test('hook install: the pre-commit hook blocks a commit that adds a secret and lets a clean one through', () => {
  const repo = makeRepo();
  commit(repo, 'init', { 'README.md': '# app\n' });
  const installed = vigil(repo, 'secrets', 'hook', 'install');
  assert.equal(installed.status, 0, installed.stderr);
  assert.ok(existsSync(join(repo, '.git/hooks/pre-commit')));

  write(repo, 'app.env', `GITHUB_TOKEN=${GITHUB}\n`);
  git(repo, 'add', '-A');
  assert.throws(() => git(repo, 'commit', '-q', '-m', 'leak'), /app\.env:1:14 {2}GitHub Token/);
  assert.equal(git(repo, 'rev-list', '--count', 'HEAD'), '1');

  write(repo, 'app.env', 'GITHUB_TOKEN=${GITHUB_TOKEN}\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'clean');
  assert.equal(git(repo, 'rev-list', '--count', 'HEAD'), '2');
  assert.ok(!existsSync(join(repo, 'vigil.db')), 'the hook stores nothing in the repository');

  write(repo, '.git/hooks/pre-commit', '#!/bin/sh\nexit 0\n');
  assert.equal(vigil(repo, 'secrets', 'hook', 'install').status, 2, 'a foreign hook is kept');
  assert.equal(vigil(repo, 'secrets', 'hook', 'install', '--force').status, 0);
});

test('findings are stored; a re-scan that no longer sees one marks it fixed', async () => {
  const dir = makeRepo();
  const db = join(dir, 'findings.db'); // scans leave the store (and its journal files) out
  write(dir, 'a.env', `SLACK_TOKEN=${SLACK}\n`);
  write(dir, 'b.env', `\nSTRIPE_KEY=${STRIPE}\n`);
  assert.match(vigil(dir, 'secrets', 'scan', '--store', db).stderr, /^secrets: 2 findings \(new 2, fixed 0\) stored in .*findings\.db$/m);
  write(dir, 'b.env', `# moved down\n\nSTRIPE_KEY=${STRIPE}\n`); // same finding on another line
  write(dir, 'a.env', 'SLACK_TOKEN=${SLACK_TOKEN}\n');
  assert.match(vigil(dir, 'secrets', 'scan', '--store', db).stderr, /^secrets: 1 findings \(new 0, fixed 1\) stored in /m);
  const store = await openFindingStore(db);
  try {
    const byStatus = (await store.list({ kind: 'secret' })).map((f) => [f.resource, f.status, f.location]).sort();
    assert.deepEqual(byStatus, [
      ['a.env', 'fixed', 'a.env:1'],
      ['b.env', 'open', 'b.env:3'],
    ]);
  } finally {
    await store.close();
  }
});

test('config: path and regex allowlists; a malformed config is one clear error', () => {
  const dir = makeRepo();
  write(dir, 'fixtures/keys.env', `STRIPE_KEY=${STRIPE}\n`);
  write(dir, 'app.env', `SLACK_TOKEN=${SLACK}\nGITHUB_TOKEN=${GITHUB}\n`);
  write(dir, '.vigil-secrets.yaml', 'allow:\n  paths: ["fixtures/"]\n  regexes: ["^xoxb-3174"]\n');
  const json = JSON.parse(vigil(dir, 'secrets', 'scan', '-f', 'json').stdout);
  assert.deepEqual(json.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`), ['app.env:2']);
  write(dir, '.vigil-secrets.yaml', 'maxFileSize: 10\nallow:\n  regexes: ["("]\n');
  const bad = vigil(dir, 'secrets', 'scan');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vigil: .*\.vigil-secrets\.yaml:3: allow\.regexes\.0 is not a valid regular expression/);
});

test('the hook honours a committed .secrets.baseline: a known secret that moves passes, a new one fails', () => {
  const repo = makeRepo();
  commit(repo, 'init', { 'settings.py': `import os\nSTRIPE_KEY = "${STRIPE}"\n` });
  assert.equal(vigil(repo, 'secrets', 'scan', '--write-baseline', '.secrets.baseline').status, 0);
  commit(repo, 'baseline');
  assert.equal(vigil(repo, 'secrets', 'hook', 'install').status, 0);

  // the known key is re-added lower down (a moved line is an added line in the diff)
  write(repo, 'settings.py', `import os\nimport sys\n\nSTRIPE_KEY = "${STRIPE}"\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'move');
  write(repo, 'settings.py', `import os\nimport sys\n\nSTRIPE_KEY = "${STRIPE}"\nSLACK_TOKEN = "${SLACK}"\n`);
  git(repo, 'add', '-A');
  assert.throws(() => git(repo, 'commit', '-q', '-m', 'leak'), (err: Error & { stdout?: string }) => {
    const out = String(err.stdout ?? '') + err.message;
    return /settings\.py:5:16 {2}Slack Token/.test(out) && !/settings\.py:4/.test(out);
  });
});

test('scan --history and --diff through the CLI: commit, author and date on each finding', () => {
  const repo = makeRepo();
  const first = commit(repo, 'add key', { 'app.env': `STRIPE_KEY=${STRIPE}\n` });
  commit(repo, 'remove key', { 'app.env': 'STRIPE_KEY=${STRIPE_KEY}\n' });
  const base = git(repo, 'rev-parse', 'HEAD');
  const second = commit(repo, 'add token', { 'ci.env': `GITHUB_TOKEN=${GITHUB}\n` });

  const history = vigil(repo, 'secrets', 'scan', '--history', '-f', 'json');
  assert.equal(history.status, 1);
  const found = JSON.parse(history.stdout).findings.map((f: Record<string, string>) => [f.file, f.commit, f.author, f.email, typeof f.date]);
  assert.deepEqual(found, [
    ['app.env', first, 'Ada Lovelace', 'ada@example.com', 'string'],
    ['ci.env', second, 'Ada Lovelace', 'ada@example.com', 'string'],
  ]);
  const diff = JSON.parse(vigil(repo, 'secrets', 'scan', '--diff', `${base}..HEAD`, '-f', 'json').stdout);
  assert.deepEqual(diff.findings.map((f: { file: string }) => f.file), ['ci.env']);

  const both = vigil(repo, 'secrets', 'scan', '--staged', '--history');
  assert.equal(both.status, 2);
  assert.equal(both.stderr, 'vigil: secrets scan: use only one of --staged, --diff and --history\n');
});
