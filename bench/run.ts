/**
 * `npm run bench`: vigil's evaluation speed against the cost of reading and parsing the
 * events at all, on generated corpora shaped like real logs, in one run. Exits non-zero when
 * worker threads and one thread disagree on the alerts.
 *
 * BENCH_SCALE=0.1 npm run bench   runs on a tenth of the corpus (a quick look).
 * BENCH_ROUNDS=1 npm run bench    runs each case and its baseline once instead of twice.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus, type CorpusKind } from './corpus.js';
import type { ModeResult } from './mode.js';
import { loadRuleFiles } from '../src/engine/index.js';
import { DEFAULT_RULES_DIR } from '../src/util/paths.js';

const here = dirname(fileURLToPath(import.meta.url));
const official = resolve(DEFAULT_RULES_DIR, '../../shared/conformance/falco/rules');
const scale = Number(process.env.BENCH_SCALE ?? '1');
/** How many times each case and its baseline run in turn (see measureAgainstBaseline). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '2');
const work = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function measure(mode: string, source: string, file: string, rules: string[], repeat = 1): ModeResult {
  const out = execFileSync(process.execPath, [join(here, 'mode.js'), mode, source, file, String(repeat), ...rules], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ModeResult;
}

/** A case's result and the baseline measured just before it. */
interface Row {
  kind: CorpusKind;
  name: string;
  result: ModeResult;
  base: ModeResult;
}
const rows: Row[] = [];
/**
 * Each corpus's fastest baseline in the run: the best estimate of the single-thread limit. The
 * main ratio is against it, so that a baseline measured in a slow spell of the machine does
 * not flatter the case after it; the ratio to that baseline is printed too.
 */
const fastest = new Map<CorpusKind, number>();
let mismatches = 0;

const perSecond = (r: ModeResult) => r.events / r.seconds;

function row(kind: CorpusKind, name: string, result: ModeResult, base: ModeResult): void {
  rows.push({ kind, name, result, base });
}

function cells({ kind, name, result: r, base }: Row): string[] {
  const eps = perSecond(r);
  return [
    name,
    Math.round(eps).toLocaleString('en-US'),
    (r.bytes / 1e6 / r.seconds).toFixed(1),
    `${(eps / fastest.get(kind)!).toFixed(2)}x`,
    `${(eps / perSecond(base)).toFixed(2)}x`,
    Math.round(perSecond(base)).toLocaleString('en-US'),
    r.mode === 'baseline' ? '-' : String(r.alerts),
    r.peakRssMb.toFixed(0),
    r.mode === 'baseline' ? '-' : r.p99LatencyMs.toFixed(1),
  ];
}

async function corpus(kind: CorpusKind, count: number): Promise<string> {
  const file = join(work, `${kind}.jsonl`);
  const t = performance.now();
  const bytes = await writeCorpus(kind, Math.round(count * scale), file);
  console.log(`generated ${Math.round(count * scale).toLocaleString('en-US')} ${kind} events (${(bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return file;
}

const suites: Array<{ kind: CorpusKind; count: number; officialRules: string }> = [
  { kind: 'k8s_audit', count: 1_000_000, officialRules: join(official, 'k8s_audit_rules.yaml') },
  { kind: 'aws_cloudtrail', count: 500_000, officialRules: join(official, 'aws_cloudtrail_rules.yaml') },
];

/**
 * A case against the baseline, on the same file: this machine's speed drifts by as much as
 * twice over minutes, so the baseline is measured just before the case, each of them `rounds`
 * times in turn, and each keeps its fastest run (the one least slowed by the machine). Every
 * baseline run also counts towards the corpus's fastest (see `fastest`).
 */
function measureAgainstBaseline(mode: string, kind: CorpusKind, file: string, rules: string[], repeat = 1, rounds = ROUNDS): { result: ModeResult; base: ModeResult } {
  let base: ModeResult | undefined;
  let result: ModeResult | undefined;
  for (let round = 0; round < rounds; round++) {
    const b = measure('baseline', kind, file, []);
    fastest.set(kind, Math.max(fastest.get(kind) ?? 0, perSecond(b)));
    const r = measure(mode, kind, file, rules, repeat);
    if (result && (r.digest !== result.digest || r.alerts !== result.alerts)) {
      mismatches++;
      console.error(`MISMATCH ${kind} ${mode}: two runs of the same case gave different alerts (${result.alerts}, ${r.alerts})`);
    }
    if (!base || b.seconds < base.seconds) base = b;
    if (!result || r.seconds < result.seconds) result = { ...r, peakRssMb: Math.max(r.peakRssMb, result?.peakRssMb ?? 0) };
  }
  return { result: result!, base: base! };
}

for (const { kind, count, officialRules } of suites) {
  const file = await corpus(kind, count);
  const parallel = measureAgainstBaseline('baseline-workers', kind, file, []);
  row(kind, `${kind}: baseline (read + JSON.parse)`, parallel.base, parallel.base);
  row(kind, `${kind}: baseline on ${parallel.result.workers} threads (what the cores give at most)`, parallel.result, parallel.base);
  for (const [label, rules] of [['Falco official rules', [officialRules]], ['vigil default rules', [DEFAULT_RULES_DIR]]] as const) {
    const single = measureAgainstBaseline('single', kind, file, [...rules]);
    row(kind, `${kind}: ${label}, 1 thread`, single.result, single.base);
    const workers = measureAgainstBaseline('workers', kind, file, [...rules]);
    row(kind, `${kind}: ${label}, ${workers.result.workers} workers`, workers.result, workers.base);
    if (single.result.digest !== workers.result.digest || single.result.alerts !== workers.result.alerts) {
      mismatches++;
      console.error(`MISMATCH ${kind} ${label}: 1 thread ${single.result.alerts} alerts, workers ${workers.result.alerts}`);
    }
  }
  if (kind === 'k8s_audit') {
    // Once: this case is there to show that memory does not grow with the input.
    const four = measureAgainstBaseline('single', kind, file, [officialRules], 4, 1);
    row(kind, `${kind}: Falco official rules, 1 thread, 4x corpus`, four.result, four.base);
  }
}

// Compile time: 1,000 rules of realistic shape (lists, macros, exceptions, several fields).
const many = join(work, 'many-rules.yaml');
writeFileSync(many, [
  '- list: admins\n  items: [admin, root, "system:masters"]',
  '- macro: writes\n  condition: ka.verb in (create, update, patch, delete)',
  ...Array.from({ length: 1000 }, (_, i) => `- rule: Generated rule ${i}
  desc: generated
  condition: writes and ka.target.resource = r${i} and not ka.user.name in (admins) and (ka.target.namespace startswith ns${i % 17} or ka.req.pod.containers.image intersects (img${i}, other${i}))
  output: "%ka.user.name changed %ka.target.resource/%ka.target.name in %ka.target.namespace (%ka.req.pod.containers.image)"
  priority: warning
  source: k8s_audit
  exceptions:
    - name: known
      fields: [ka.user.name, ka.target.namespace]
      values: [[ci${i}, build], [deployer, prod${i}]]`),
].join('\n'));
const t = performance.now();
const compiled = loadRuleFiles([many]);
const compileMs = performance.now() - t;
if (!compiled.successful) throw new Error(compiled.errors.map((e) => e.message).join('; '));

// Regular expressions run in linear time: a catastrophic pattern on long input against a plain one.
const longUsers = join(work, 'long-users.jsonl');
writeFileSync(longUsers, Array.from({ length: 2000 }, (_, i) => JSON.stringify({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: `id-${i}`, stage: 'ResponseComplete', verb: 'get',
  user: { username: `${'a'.repeat(5000)}!` }, stageTimestamp: '2026-11-01T00:00:00.000000Z',
})).join('\n') + '\n');
const regexRules = (name: string, condition: string) => {
  const path = join(work, `regex-${name}.yaml`);
  writeFileSync(path, `- rule: R\n  desc: d\n  condition: ${condition}\n  output: "%ka.user.name"\n  priority: info\n  source: k8s_audit\n`);
  return path;
};
const plain = measure('single', 'k8s_audit', longUsers, [regexRules('plain', "ka.user.name = 'x'")]);
const evil = measure('single', 'k8s_audit', longUsers, [regexRules('catastrophic', "ka.user.name regex '(a+)+$'")]);

const header = ['case', 'events/s', 'MB/s', 'vs fastest baseline', 'vs baseline before it', 'that baseline, events/s', 'alerts', 'peak RSS MB', 'p99 ms'];
const table = rows.map(cells);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log();
console.log(line(header));
for (const r of table) console.log(line(r));
console.log();
console.log(`compile: 1,000 generated rules loaded and compiled in ${compileMs.toFixed(0)} ms`);
console.log(`regex: 2,000 events with 5,000-character values: (a+)+$ in ${evil.seconds.toFixed(2)} s, plain = in ${plain.seconds.toFixed(2)} s (${(evil.seconds / plain.seconds).toFixed(1)}x)`);
if (mismatches > 0) {
  console.error(`${mismatches} rule sets gave different alerts on worker threads than on one thread`);
  process.exit(1);
}
console.log('alerts: worker threads and one thread agree on every rule set');
