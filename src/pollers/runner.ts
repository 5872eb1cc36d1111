import { setTimeout as sleep } from 'node:timers/promises';
import type { Checkpoint, Pipeline } from '../engine/index.js';
import type { Source, VigilEvent } from '../sources/index.js';
import { RecentIds } from './recent.js';
import type { PollContext, Poller, PollerStats, PollerTiming } from './poller.js';

export interface RunnerDeps {
  pipeline: Pick<Pipeline, 'submitWhenRoom'>;
  position(stream: string): Promise<string | undefined>;
  findSource(name: string): Source | undefined;
  log(line: string): void;
}

export interface RunningPoller {
  poller: Poller;
  timing: PollerTiming;
  stats: PollerStats;
}

/** Waits, or returns early when the signal aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Runs each poller in its own loop: a round, then the interval; after a failed round it
 * waits with doubling backoff and tries again from its checkpoints. Stopping lets the
 * round in progress finish its current unit of work.
 */
export class PollerRunner {
  readonly running: RunningPoller[];
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly recent = new RecentIds();

  constructor(
    entries: Array<{ poller: Poller; timing: PollerTiming }>,
    private readonly deps: RunnerDeps,
  ) {
    this.running = entries.map((e) => ({ ...e, stats: { reads: 0, events: 0, duplicates: 0, errors: 0, retries: 0 } }));
  }

  start(): void {
    this.loops = this.running.map((r) => this.loop(r));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    for (const r of this.running) r.poller.close?.();
  }

  private async loop(r: RunningPoller): Promise<void> {
    const { signal } = this.abort;
    const ctx = this.context(r);
    let failures = 0;
    while (!signal.aborted) {
      try {
        await r.poller.poll(ctx);
        r.stats.lastSuccessMs = Date.now();
        failures = 0;
        await pause(r.timing.intervalMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        r.stats.errors++;
        const wait = Math.min(r.timing.maxBackoffMs, r.timing.backoffMs * 2 ** failures++);
        this.deps.log(`vigil: poller ${r.poller.name}: ${(err as Error).message}; retrying in ${wait} ms from its checkpoint`);
        await pause(wait, signal);
        if (!signal.aborted) r.stats.retries++;
      }
    }
  }

  private context(r: RunningPoller): PollContext {
    const source = this.deps.findSource(r.poller.source);
    if (!source) throw new Error(`poller ${r.poller.name}: unknown source ${r.poller.source}`);
    let num = 0;
    return {
      signal: this.abort.signal,
      stats: r.stats,
      log: this.deps.log,
      position: this.deps.position,
      emit: async (records: unknown[], checkpoint?: Checkpoint) => {
        const events: VigilEvent[] = [];
        for (const data of records) {
          const id = r.poller.eventId(data);
          if (id !== undefined && this.recent.seen(`${r.poller.source}:${id}`)) {
            r.stats.duplicates++;
            continue;
          }
          const event: VigilEvent = { source: source.name, data, timeNs: source.time?.(data), origin: r.poller.name, num: ++num };
          if (event.timeNs !== undefined) r.stats.newestEventMs = Math.max(r.stats.newestEventMs ?? 0, Number(event.timeNs / 1_000_000n));
          events.push(event);
        }
        await this.deps.pipeline.submitWhenRoom(events, checkpoint);
        r.stats.events += events.length;
      },
    };
  }
}
