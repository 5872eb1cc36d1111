import { writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { DEFAULT_STORE, isPostgresUrl, redactUrl, storeFindings } from '../store/index.js';
import { UserError } from '../util/errors.js';
import {
  auditItems,
  auditSummary,
  buildBaseline,
  describeEntry,
  formatReport,
  installHook,
  knownIn,
  loadConfig,
  mark,
  readBaseline,
  readBaselineIfExists,
  scanCommits,
  scanPaths,
  scanStaged,
  toFindings,
  writeBaseline,
  type Baseline,
  type ReportFormat,
} from '../secrets/index.js';

interface ScanFlags {
  staged?: boolean;
  diff?: string;
  history?: boolean;
  format: ReportFormat;
  output?: string;
  baseline?: string;
  writeBaseline?: string;
  config?: string;
  maxSize?: string;
  gitignore: boolean;
  skipBinary: boolean;
  showSecrets?: boolean;
  store: string | false;
}

async function scan(paths: string[], flags: ScanFlags): Promise<void> {
  const modes = [flags.staged, flags.diff !== undefined, flags.history].filter(Boolean).length;
  if (modes > 1) throw new UserError('secrets scan: use only one of --staged, --diff and --history');
  if (modes === 1 && paths.length > 0) throw new UserError('secrets scan: paths cannot be combined with --staged, --diff or --history');
  const settings = loadConfig(flags.config);
  if (flags.maxSize !== undefined) {
    const bytes = Number(flags.maxSize);
    if (!Number.isInteger(bytes) || bytes <= 0) throw new UserError(`--max-size ${flags.maxSize}: expected a positive number of bytes`);
    settings.maxBytes = bytes;
  }
  if (!flags.gitignore) settings.gitignore = false;
  // vigil's own files: the baseline holds hashes of secrets, the store (and its journal) masked findings
  const own = [flags.baseline, flags.writeBaseline, flags.store && !isPostgresUrl(flags.store) ? `${flags.store}*` : undefined];
  for (const file of own) {
    if (file) settings.allowPaths = [...(settings.allowPaths ?? []), `/${relative(process.cwd(), resolve(file)).split(sep).join('/')}`];
  }
  if (!flags.skipBinary) settings.skipBinary = false;

  const cwd = process.cwd();
  const result = flags.staged
    ? scanStaged(settings)
    : flags.diff !== undefined || flags.history
      ? scanCommits(settings, flags.diff)
      : scanPaths(paths.length ? paths : ['.'], settings);
  const mode = flags.staged ? 'staged' : flags.diff !== undefined ? `diff:${flags.diff}` : flags.history ? 'history' : 'files';
  const scope = `secrets:${mode}:${mode === 'files' ? (paths.length ? paths : ['.']).map((p) => resolve(cwd, p)).join(',') : result.root}`;

  if (flags.writeBaseline) {
    writeBaseline(flags.writeBaseline, buildBaseline(result.hits, readBaselineIfExists(flags.writeBaseline)));
    process.stderr.write(`wrote ${flags.writeBaseline}: ${result.findings.length} secrets\n`);
    return;
  }
  const baseline: Baseline | undefined = flags.baseline ? readBaseline(flags.baseline) : undefined;
  const known = knownIn(baseline);
  const fresh = result.findings.filter((h) => !known(h));
  if (flags.store !== false) {
    const counts = await storeFindings(flags.store, scope, toFindings(result.findings, scope));
    process.stderr.write(`secrets: ${result.findings.length} findings (new ${counts.new}, fixed ${counts.fixed}) stored in ${redactUrl(flags.store)}\n`);
  }
  const report = formatReport(flags.format, {
    result,
    report: fresh,
    known: result.findings.length - fresh.length,
    scope,
    showSecrets: flags.showSecrets ?? false,
  });
  if (flags.output) writeFileSync(flags.output, report);
  else process.stdout.write(report);
  if (fresh.length > 0) process.exitCode = 1;
}

interface AuditFlags {
  baseline: string;
  list?: boolean;
  truePositive?: string[];
  falsePositive?: string[];
  format: 'text' | 'json';
}

async function audit(flags: AuditFlags): Promise<void> {
  const baseline = readBaseline(flags.baseline);
  const marks = (flags.truePositive?.length ?? 0) + (flags.falsePositive?.length ?? 0);
  if (marks > 0) {
    const changed = mark(baseline, flags.truePositive ?? [], true) + mark(baseline, flags.falsePositive ?? [], false);
    writeBaseline(flags.baseline, baseline);
    process.stderr.write(`${flags.baseline}: ${changed} entries changed\n`);
  } else if (!flags.list && process.stdin.isTTY) {
    await auditInteractively(flags.baseline, baseline);
  }
  const items = auditItems(baseline);
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify({ entries: items.map((i) => ({ index: i.index, ...i.entry })), summary: auditSummary(baseline) }, null, 2)}\n`);
    return;
  }
  const verdict = (v: boolean | undefined): string => (v === undefined ? 'unaudited' : v ? 'secret' : 'false positive');
  for (const { index, entry } of items) {
    process.stdout.write(`${index}. ${entry.filename}:${entry.line_number}  ${entry.type}  ${entry.hashed_secret.slice(0, 12)}  ${verdict(entry.is_secret)}\n`);
  }
  const s = auditSummary(baseline);
  process.stdout.write(`${s.total} entries: ${s.secrets} secrets, ${s.falsePositives} false positives, ${s.unaudited} unaudited\n`);
}

async function auditInteractively(path: string, baseline: Baseline): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (const { index, entry } of auditItems(baseline)) {
      if (entry.is_secret !== undefined) continue;
      process.stdout.write(`\n${index}. ${entry.filename}:${entry.line_number}  ${entry.type}\n   ${describeEntry(entry, process.cwd())}\n`);
      const answer = (await rl.question('Is this a real secret? (y)es, (n)o: false positive, (s)kip, (q)uit: ')).trim().toLowerCase();
      if (answer.startsWith('q')) break;
      if (answer.startsWith('y')) entry.is_secret = true;
      else if (answer.startsWith('n')) entry.is_secret = false;
      writeBaseline(path, baseline);
    }
  } finally {
    rl.close();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').description('Find secrets in files, staged changes and git history');

  secrets
    .command('scan [paths...]')
    .description('Scan files and directories (default: .), or --staged / --diff / --history; exit 1 on new secrets')
    .option('--staged', 'only the lines added in the staged diff (for a pre-commit hook)')
    .option('--diff <range>', 'the lines each commit of a revision range added, e.g. origin/main..HEAD')
    .option('--history', 'every commit of every branch and tag; each secret once, at the commit that introduced it')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file')
    .option('--baseline <file>', 'a detect-secrets .secrets.baseline: secrets it knows do not fail')
    .option('--write-baseline <file>', 'write (or update, keeping audit marks) a .secrets.baseline and exit 0')
    .option('--config <file>', 'settings and allowlists (default: .vigil-secrets.yaml when present)')
    .option('--max-size <bytes>', 'skip files larger than this (default 1 MiB)')
    .option('--no-gitignore', 'also scan files that .gitignore excludes')
    .option('--no-skip-binary', 'also scan binary files')
    .option('--show-secrets', 'print secrets in full instead of masked')
    .option('--store <path>', 'findings store (SQLite path or postgres:// URL); what a scan of the same scope no longer sees is fixed', DEFAULT_STORE)
    .option('--no-store', 'do not store the findings (the pre-commit hook)')
    .action((paths: string[], flags: ScanFlags) => scan(paths, flags));

  secrets
    .command('audit')
    .description('Mark baseline entries as real secrets or false positives (interactive on a terminal)')
    .option('--baseline <file>', 'the baseline to audit', '.secrets.baseline')
    .option('--list', 'list the entries and their verdicts without asking')
    .option('--true-positive <entry>', 'mark an entry (index, file:line or hashed secret) as a real secret', collect)
    .option('--false-positive <entry>', 'mark an entry as a false positive', collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: AuditFlags) => audit(flags));

  secrets
    .command('hook')
    .description('Git hooks')
    .command('install')
    .description('Install a pre-commit hook that runs `vigil secrets scan --staged`')
    .option('--force', 'replace an existing pre-commit hook')
    .action((flags: { force?: boolean }) => {
      const path = installHook(process.cwd(), [process.execPath, resolve(process.argv[1]!)], flags.force);
      process.stdout.write(`installed ${path}\n`);
    });
}
