import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Finding, FindingKind } from '../records/index.js';
import { DEFAULT_STORE } from '../store/index.js';
import { findingScope, formatFindings, importInventory, parseFormat, storeFindings, type Snapshot } from '../posture/index.js';

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
    .option('--store <path>', 'findings store (SQLite path)', DEFAULT_STORE)
    .option('--no-store', 'do not store the findings')
    .option('--fail-on <score>', 'exit 1 when a finding scores at least this');
}

export function loadActual(file: string, format = 'auto'): Snapshot {
  return importInventory(file, format);
}

/** Prints, stores (so what is no longer seen is marked fixed) and sets the exit code. */
export function reportFindings(kind: FindingKind, snapshot: Snapshot, findings: Finding[], opts: FindingOptions, text?: string): void {
  writeOutput(opts.output, text ?? formatFindings(findings, parseFormat(opts.format)));
  if (opts.store !== false) {
    const counts = storeFindings(opts.store, findingScope(kind, snapshot), findings);
    process.stderr.write(`${kind}: ${findings.length} findings (new ${counts.new}, fixed ${counts.fixed}) stored in ${opts.store}\n`);
  }
  if (opts.failOn !== undefined && findings.some((f) => f.score >= Number(opts.failOn))) process.exitCode = 1;
}
