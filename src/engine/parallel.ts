/**
 * Evaluation on every core: the main thread reads JSON lines in large chunks cut at line
 * ends and hands them, without copying, to worker threads that parse, frame and evaluate;
 * results come back in input order, so the alerts are the same, in the same order, as
 * single-threaded evaluation gives.
 */
import { Worker } from 'node:worker_threads';
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Alert, Priority } from '../records/index.js';

export interface ParallelOptions {
  rules: string[];
  /** A source name (not auto: every line is an event of this source). */
  source: string;
  workers?: number;
  minimumPriority?: Priority;
  falcoBugs?: boolean;
  /** Bytes per chunk handed to a worker. */
  chunkBytes?: number;
}

/** What a worker sends back for one chunk. */
export interface ChunkResult {
  seq: number;
  events: number;
  alerts: Alert[];
  /** Input errors: `line` is relative to the chunk's first line (1-based). */
  errors: Array<{ line: number; message: string }>;
  /** For each alert, its line relative to the chunk. */
  alertLines: number[];
}

export interface WorkerSetup {
  rules: string[];
  source: string;
  minimumPriority?: Priority;
  falcoBugs?: boolean;
  /** Name of the input, for origins. */
  file: string;
}

export interface ParallelBatch {
  events: number;
  alerts: Alert[];
  errors: string[];
  /** When the chunk these came from was read (performance.now()). */
  readAt: number;
}

/** Evaluates JSON-lines files on worker threads; yields each chunk's results in input order. */
export async function* evaluateInParallel(paths: string[], options: ParallelOptions): AsyncGenerator<ParallelBatch> {
  const count = Math.max(1, options.workers ?? availableParallelism());
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  for (const file of paths) {
    const setup: WorkerSetup = {
      rules: options.rules,
      source: options.source,
      minimumPriority: options.minimumPriority,
      falcoBugs: options.falcoBugs,
      file,
    };
    const workers = Array.from({ length: count }, () => new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: setup }));
    try {
      yield* runFile(file, workers, chunkBytes);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
}

async function* runFile(file: string, workers: Worker[], chunkBytes: number): AsyncGenerator<ParallelBatch> {
  const pending = new Map<number, { result?: ChunkResult; readAt: number; lines: number }>();
  const waiters = new Map<number, (r: ChunkResult) => void>();
  let failure: Error | undefined;
  for (const w of workers) {
    w.on('message', (r: ChunkResult) => {
      const waiter = waiters.get(r.seq);
      if (waiter) {
        waiters.delete(r.seq);
        waiter(r);
      } else pending.get(r.seq)!.result = r;
    });
    w.on('error', (err) => {
      failure = err;
      for (const waiter of waiters.values()) waiter({ seq: -1, events: 0, alerts: [], errors: [], alertLines: [] });
    });
  }
  const result = (seq: number) =>
    new Promise<ChunkResult>((resolve) => {
      const ready = pending.get(seq)!.result;
      if (ready) resolve(ready);
      else waiters.set(seq, resolve);
    });

  let sent = 0;
  let next = 0;
  let lineBase = 0;
  let carry: Buffer = Buffer.alloc(0);
  const inFlight = workers.length * 2;

  const send = (bytes: Buffer) => {
    let lines = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) lines++;
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    pending.set(sent, { readAt: performance.now(), lines });
    workers[sent % workers.length]!.postMessage({ seq: sent, bytes: copy }, [copy.buffer]);
    sent++;
  };

  async function* drain(until: number): AsyncGenerator<ParallelBatch> {
    while (next < until) {
      const r = await result(next);
      if (failure) throw failure;
      const { readAt, lines } = pending.get(next)!;
      pending.delete(next);
      r.alerts.forEach((alert, i) => {
        alert.vigil = { ...alert.vigil!, origin: `${file}:${lineBase + r.alertLines[i]!}` };
      });
      const errors = r.errors.map((e) => `${file}:${lineBase + e.line}: ${e.message}`);
      lineBase += lines;
      next++;
      yield { events: r.events, alerts: r.alerts, errors, readAt };
    }
  }

  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    const data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const cut = data.lastIndexOf(10);
    if (cut < 0) {
      carry = data;
      continue;
    }
    send(data.subarray(0, cut + 1));
    carry = data.subarray(cut + 1);
    if (sent - next >= inFlight) yield* drain(next + 1);
  }
  if (carry.length > 0) send(carry);
  yield* drain(sent);
}
