import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Finding, FindingKind } from '../records/index.js';
import { DEFAULT_STORE, redactUrl, storeFindings } from '../store/index.js';
import { UserError } from '../util/errors.js';
import { collectAws, findingScope, formatFindings, importInventory, parseFormat, type Snapshot } from '../posture/index.js';

/** Writes to a file when one is given, else to stdout. */
export function writeOutput(file: string | undefined, text: string): void {
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
}

export interface FindingOptions {
  format: string;
  output?: string;
  store: string | false;
  failOn?: string;
}

/** The options every findings-producing command shares (drift, posture, trust). */
export function findingOptions(cmd: Command, formats = 'text, json or alert (the seed-003 alert JSON)'): Command {
  return cmd
    .option('-f, --format <format>', formats, 'text')
    .option('-o, --output <file>', 'write findings here instead of stdout')
    .option('--store <path>', 'findings store (SQLite path or postgres:// URL)', DEFAULT_STORE)
    .option('--no-store', 'do not store the findings')
    .option('--fail-on <score>', 'exit 1 when a finding scores at least this');
}

export interface ActualOptions {
  actual?: string;
  aws?: boolean;
  region?: string;
  regions?: string;
  endpoint?: string;
}

/** `--actual <snapshot>` or `--aws` options for commands that read the actual state. */
export function actualOptions(cmd: Command, withAws = true): Command {
  cmd.option('-a, --actual <snapshot>', 'inventory snapshot (vigil JSON or a GCP asset export)');
  return withAws ? awsOptions(cmd.option('--aws', 'collect the actual state from AWS now instead')) : cmd;
}

export function awsOptions(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'region for global calls (default: the SDK region chain, else us-east-1)')
    .option('--regions <list>', 'comma-separated regions instead of every enabled region')
    .option('--endpoint <url>', 'one endpoint for every AWS service (LocalStack and the like)');
}

/** Collects from AWS with the standard credential chain; failed calls are warned about on stderr. */
export async function collectFromAws(opts: ActualOptions): Promise<Snapshot> {
  const { snapshot, warnings } = await collectAws({
    region: opts.region,
    regions: opts.regions?.split(',').map((r) => r.trim()).filter(Boolean),
    endpoint: opts.endpoint,
  });
  for (const w of warnings) process.stderr.write(`vigil: warning: ${w}\n`);
  return snapshot;
}

export async function loadActual(opts: ActualOptions): Promise<Snapshot> {
  if (opts.aws) return collectFromAws(opts);
  if (!opts.actual) throw new UserError('give the actual state: --actual <snapshot> or --aws');
  return importInventory(opts.actual);
}

/** Prints, stores (so what is no longer seen is marked fixed) and sets the exit code. */
export async function reportFindings(kind: FindingKind, snapshot: Snapshot, findings: Finding[], opts: FindingOptions, text?: string): Promise<void> {
  writeOutput(opts.output, text ?? formatFindings(findings, parseFormat(opts.format)));
  if (opts.store !== false) {
    const counts = await storeFindings(opts.store, findingScope(kind, snapshot), findings);
    process.stderr.write(`${kind}: ${findings.length} findings (new ${counts.new}, fixed ${counts.fixed}) stored in ${redactUrl(opts.store)}\n`);
  }
  if (opts.failOn !== undefined && findings.some((f) => f.score >= Number(opts.failOn))) process.exitCode = 1;
}
