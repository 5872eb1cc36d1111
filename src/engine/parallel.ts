/**
 * Evaluation on every core: the main thread reads JSON lines in large chunks cut at line
 * ends and hands them, without copying, to worker threads that parse, frame and evaluate;
 * results come back in input order, so the alerts are the same, in the same order, as
 * single-threaded evaluation gives.
 */
import { Worker } from 'node:worker_threads';
import { open } from 'node:fs/promises';
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
  errors: Array<{ line: number; column?: number; message: string }>;
  /** For each alert, its line relative to the chunk. */
  alertLines: number[];
  /** The chunk's memory, handed back to be read into again. */
  memory: ArrayBuffer;
}

export interface WorkerSetup {
  rules: string[];
  source: string;
  minimumPriority?: Priority;
  falcoBugs?: boolean;
}

export interface ParallelBatch {
  events: number;
  alerts: Alert[];
  errors: string[];
  /** When the chunk these came from was read (performance.now()). */
  readAt: number;
}

/** Worker threads, each with the ruleset loaded, ready to evaluate chunks of JSON lines. */
export class WorkerPool {
  private constructor(
    private readonly workers: Worker[],
    private readonly chunkBytes: number,
  ) {}

  /** Starts the workers and waits until each has loaded the rules. */
  static async start(options: ParallelOptions): Promise<WorkerPool> {
    const count = Math.max(1, options.workers ?? availableParallelism());
    const setup: WorkerSetup = {
      rules: options.rules,
      source: options.source,
      minimumPriority: options.minimumPriority,
      falcoBugs: options.falcoBugs,
    };
    const workers = Array.from({ length: count }, () => new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: setup }));
    try {
      await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      })));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new WorkerPool(workers, options.chunkBytes ?? 1 << 20);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Evaluates one JSON-lines file; yields each chunk's results in input order. */
  evaluate(file: string): AsyncGenerator<ParallelBatch> {
    return runFile(file, this.workers, this.chunkBytes);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Evaluates JSON-lines files on worker threads; yields each chunk's results in input order. */
export async function* evaluateInParallel(paths: string[], options: ParallelOptions): AsyncGenerator<ParallelBatch> {
  const pool = await WorkerPool.start(options);
  try {
    for (const file of paths) yield* pool.evaluate(file);
  } finally {
    await pool.close();
  }
}

/**
 * Feeds one file to the workers a chunk at a time, each chunk to the least busy worker (at
 * most two chunks each in flight), and yields the results in chunk order, with line numbers
 * made absolute. A worker that is done is given more at once, even while the results wait
 * for a slower chunk ahead of its own.
 */
async function* runFile(file: string, workers: Worker[], chunkBytes: number): AsyncGenerator<ParallelBatch> {
  const chunks = new Map<number, { readAt: number; lines: number; worker: number; result?: ChunkResult }>();
  const busy = workers.map(() => 0);
  let failure: Error | undefined;
  let arrived: () => void = () => {};
  // Memory for chunks, used again once a worker hands it back: fresh memory for every chunk
  // costs the kernel a page fault per page, and V8 a garbage collection now and then.
  const spare: ArrayBuffer[] = [];
  const memoryFor = (bytes: number): Buffer => {
    const reused = spare.pop();
    return reused && reused.byteLength >= bytes ? Buffer.from(reused, 0, bytes) : Buffer.allocUnsafeSlow(Math.max(bytes, chunkBytes * 2));
  };
  const onMessage = (r: ChunkResult) => {
    spare.push(r.memory);
    const chunk = chunks.get(r.seq);
    if (!chunk) return;
    chunk.result = r;
    busy[chunk.worker]!--;
    arrived();
  };
  const onError = (err: Error) => {
    failure = err;
    arrived();
  };
  const arrival = () => new Promise<void>((resolve) => (arrived = resolve));
  for (const w of workers) w.on('message', onMessage).on('error', onError);

  let sent = 0;
  let next = 0;
  let lineBase = 0;
  /** Hands over bytes that own their memory: it moves to the worker without a copy. */
  const send = (bytes: Buffer) => {
    const worker = busy.indexOf(Math.min(...busy));
    busy[worker]!++;
    chunks.set(sent, { readAt: performance.now(), lines: countLines(bytes), worker });
    workers[worker]!.postMessage({ seq: sent, file, bytes }, [bytes.buffer as ArrayBuffer]);
    sent++;
  };
  /** The next chunk's results, once they are in. */
  const ready = (): ParallelBatch | undefined => {
    const chunk = chunks.get(next);
    const r = chunk?.result;
    if (!chunk || !r) return undefined;
    chunks.delete(next++);
    r.alerts.forEach((alert, i) => {
      alert.vigil = { ...alert.vigil!, origin: `${file}:${lineBase + r.alertLines[i]!}` };
    });
    const errors = r.errors.map((e) => `${file}:${lineBase + e.line}${e.column === undefined ? '' : `:${e.column}`}: ${e.message}`);
    lineBase += chunk.lines;
    return { events: r.events, alerts: r.alerts, errors, readAt: chunk.readAt };
  };
  const drain = function* (): Generator<ParallelBatch> {
    for (let batch = ready(); batch; batch = ready()) yield batch;
  };

  const handle = await open(file);
  try {
    // Each chunk is read into memory of its own, after the part line the previous one ended
    // with, and cut at its last line end: only that part line is ever copied.
    let carry: Buffer = Buffer.alloc(0);
    for (let done = false; !done || next < sent; ) {
      if (failure) throw failure;
      yield* drain();
      const waiting = arrival();
      // Results wait for the slowest chunk ahead of them: at most four chunks a worker.
      if (done || Math.min(...busy) >= 2 || sent - next >= workers.length * 4) {
        if (next < sent) await waiting;
        continue;
      }
      const buffer = memoryFor(carry.length + chunkBytes);
      carry.copy(buffer);
      const { bytesRead } = await handle.read(buffer, carry.length, chunkBytes, null);
      const end = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (end > 0) send(buffer.subarray(0, end));
        done = true;
        continue;
      }
      const cut = buffer.lastIndexOf(NEWLINE, end - 1);
      carry = cut < 0 ? buffer.subarray(0, end) : Buffer.from(buffer.subarray(cut + 1, end));
      if (cut >= 0) send(buffer.subarray(0, cut + 1));
    }
  } finally {
    await handle.close();
    for (const w of workers) w.off('message', onMessage).off('error', onError);
  }
}

const NEWLINE = 0x0a;

/** Lines in a chunk: its newlines, plus a last line without one. */
function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}
