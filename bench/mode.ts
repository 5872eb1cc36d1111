/**
 * One measurement of `npm run bench`, run in its own process so that its peak RSS is its
 * own: `node dist/bench/mode.js MODE SOURCE FILE REPEAT [RULES...]`, printing one JSON line.
 *   baseline  read the file and JSON.parse every line, nothing else
 *   single    vigil on one thread (framing, extraction, every rule)
 *   workers   vigil on worker threads, one per core
 *   baseline-workers  the baseline on worker threads, one per core, each with its share of the file
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { detect, engineFor, loadRuleFiles, WorkerPool } from '../src/engine/index.js';
import { fileBytes, findSource, readInputBatches, textChunks } from '../src/sources/index.js';
import type { Alert } from '../src/records/index.js';

export interface ModeResult {
  mode: string;
  events: number;
  bytes: number;
  seconds: number;
  alerts: number;
  /** Order-independent digest of the alerts (rule, time, output), to compare modes. */
  digest: string;
  peakRssMb: number;
  p99LatencyMs: number;
  workers?: number;
}

const [mode, sourceName, file, repeatText, ...rules] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const repeat = Number(repeatText);
const files = Array.from({ length: repeat }, () => file);
const bytes = statSync(file).size * repeat;
/** Worker threads of the parallel modes: one per core, unless BENCH_WORKERS says. */
const threads = Number(process.env.BENCH_WORKERS ?? availableParallelism());

/**
 * Sums per-alert hashes, so the digest does not depend on the order alerts arrive in. The
 * hashes are two FNV-1a over the alert's text (64 bits between them): cheap, so that the
 * harness weighs little on the path it measures.
 */
class AlertDigest {
  private low = 0;
  private high = 0;
  count = 0;
  add(a: Alert): void {
    const text = `${a.rule}\0${a.time}\0${a.output}`;
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    this.low = (this.low + (h1 >>> 0)) >>> 0;
    this.high = (this.high + (h2 >>> 0)) >>> 0;
    this.count++;
  }
  get value(): string {
    return `${this.high.toString(16).padStart(8, '0')}${this.low.toString(16).padStart(8, '0')}`;
  }
}

/** A reservoir of latencies, enough for a stable 99th percentile. */
class Latencies {
  private readonly samples: number[] = [];
  private seen = 0;
  add(ms: number): void {
    this.seen++;
    if (this.samples.length < 20000) this.samples.push(ms);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.samples.length) this.samples[j] = ms;
    }
  }
  p99(): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  }
}

type Measured = Omit<ModeResult, 'mode' | 'seconds' | 'peakRssMb'>;
/** A mode prepares (loads rules, starts workers) untimed, then returns the timed run. */
type Mode = () => Promise<() => Promise<Measured>>;

const baseline: Mode = async () => async () => {
  let events = 0;
  for (const f of files) {
    let carry = '';
    // vigil's own reading (read big, decode in small slices), so that the baseline is as fast as reading can be.
    for await (const chunk of textChunks(await fileBytes(f))) {
      const text = carry + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        if (end > start) {
          JSON.parse(text.slice(start, end));
          events++;
        }
        start = end + 1;
      }
      carry = text.slice(start);
    }
  }
  return { events, bytes, alerts: 0, digest: '', p99LatencyMs: 0 };
};

/** Line starts that cut a file into `parts` ranges of about the same size. */
function lineAlignedRanges(path: string, parts: number): Array<{ start: number; end: number }> {
  const size = statSync(path).size;
  const cuts = [0];
  const fd = openSync(path, 'r');
  const probe = Buffer.allocUnsafe(1 << 16);
  for (let i = 1; i < parts; i++) {
    let at = Math.max(cuts[cuts.length - 1]!, Math.floor((size * i) / parts));
    for (;;) {
      const read = readSync(fd, probe, 0, probe.length, at);
      const eol = probe.subarray(0, read).indexOf(10);
      if (read === 0 || eol >= 0) {
        at = read === 0 ? size : at + eol + 1;
        break;
      }
      at += read;
    }
    cuts.push(at);
  }
  closeSync(fd);
  cuts.push(size);
  return cuts.slice(0, -1).map((start, i) => ({ start, end: cuts[i + 1]! }));
}

/** The baseline on one worker thread per core, each with its share of the file: what the machine's cores give at most. */
const baselineWorkers: Mode = async () => async () => {
  let events = 0;
  for (const f of files) {
    const counts = await Promise.all(lineAlignedRanges(f, threads).map((range) => new Promise<number>((resolve, reject) => {
      const w = new Worker(new URL('./parse-thread.js', import.meta.url), { workerData: { file: f, ...range } });
      w.once('message', resolve).once('error', reject);
    })));
    events += counts.reduce((a, b) => a + b, 0);
  }
  return { events, bytes, alerts: 0, digest: '', p99LatencyMs: 0, workers: threads };
};

const single: Mode = async () => {
  const engine = engineFor(loadRuleFiles(rules));
  const source = findSource(sourceName)!;
  const unmatchable = process.env.BENCH_PREFILTER === '0' ? undefined : engine.lineFilter(source);
  return async () => {
  const digest = new AlertDigest();
  const latencies = new Latencies();
  let events = 0;
  let readAt = performance.now();
  for await (const d of detect(engine, readInputBatches(files, { format: 'jsonl', unmatchable }), source)) {
    if (d.errors.length > 0) throw new Error(d.errors[0]!.message);
    events += d.events;
    const now = performance.now();
    for (const a of d.alerts) {
      digest.add(a);
      latencies.add(now - readAt);
    }
    readAt = performance.now();
  }
  return { events, bytes, alerts: digest.count, digest: digest.value, p99LatencyMs: latencies.p99() };
  };
};

const workers: Mode = async () => {
  const pool = await WorkerPool.start({ rules, source: sourceName, workers: threads });
  return async () => {
    const digest = new AlertDigest();
    const latencies = new Latencies();
    let events = 0;
    for (const f of files) {
      for await (const batch of pool.evaluate(f)) {
        if (batch.errors.length > 0) throw new Error(batch.errors[0]);
        events += batch.events;
        const now = performance.now();
        for (const a of batch.alerts) {
          digest.add(a);
          latencies.add(now - batch.readAt);
        }
      }
    }
    await pool.close();
    return { events, bytes, alerts: digest.count, digest: digest.value, p99LatencyMs: latencies.p99(), workers: pool.size };
  };
};

const modes: Record<string, Mode> = { baseline, 'baseline-workers': baselineWorkers, single, workers };
const run = await modes[mode]!();
const started = performance.now();
const result = await run();
const seconds = (performance.now() - started) / 1000;
const out: ModeResult = { mode, ...result, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify(out)}\n`);
