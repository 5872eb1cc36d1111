import { setTimeout as sleep } from 'node:timers/promises';
import { atLeast, type Alert, type Priority } from '../records/index.js';
import type { DeadLetter } from './dead-letter.js';
import type { Output } from './output.js';

export interface DeliveryOptions {
  minimumPriority: Priority;
  /** Alerts waiting for this output at most; beyond it they go to the dead-letter file. */
  capacity: number;
  /** Tries per batch before it goes to the dead-letter file. */
  attempts: number;
  /** First wait between tries; it doubles each time up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DELIVERY_DEFAULTS: Omit<DeliveryOptions, 'minimumPriority'> = {
  capacity: 10_000,
  attempts: 6,
  backoffMs: 250,
  maxBackoffMs: 30_000,
};

export interface DeliveryCounts {
  delivered: number;
  /** Tries that failed (each retried or dead-lettered). */
  failures: number;
  /** Sent to the dead-letter file, by reason. */
  deadLettered: { failed: number; overflow: number; shutdown: number };
  queued: number;
}

/**
 * One output's own queue and worker: it retries with backoff and dead-letters what it cannot
 * deliver, so a slow or failing output never holds up the others.
 */
export class Delivery {
  readonly counts: DeliveryCounts = { delivered: 0, failures: 0, deadLettered: { failed: 0, overflow: 0, shutdown: 0 }, queued: 0 };
  lastError: string | undefined;
  private queue: Alert[] = [];
  private pushed = 0;
  private handled = 0;
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];
  private running = false;
  private closing = false;
  private readonly abort = new AbortController();

  constructor(
    readonly output: Output,
    private readonly options: DeliveryOptions,
    private readonly deadLetter: DeadLetter,
  ) {}

  get name(): string {
    return this.output.name;
  }

  /** Queues the alerts at or above this output's priority; resolves once they are delivered or dead-lettered. */
  push(alerts: Alert[]): Promise<void> {
    let wanted = alerts.filter((a) => !a.vigil?.priority || atLeast(a.vigil.priority, this.options.minimumPriority));
    if (this.closing) {
      this.reject(wanted, 'shutdown', 'the service is shutting down');
      return Promise.resolve();
    }
    const room = this.options.capacity - this.queue.length;
    if (wanted.length > room) {
      this.reject(wanted.slice(Math.max(room, 0)), 'overflow', `more than ${this.options.capacity} alerts waiting`);
      wanted = wanted.slice(0, Math.max(room, 0));
    }
    if (!wanted.length) return Promise.resolve();
    this.queue.push(...wanted);
    this.pushed += wanted.length;
    this.counts.queued = this.queue.length;
    const upTo = this.pushed;
    const done = new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    if (!this.running) void this.run();
    return done;
  }

  /** Resolves when everything queued so far is delivered or dead-lettered. */
  idle(): Promise<void> {
    if (this.handled === this.pushed) return Promise.resolve();
    const upTo = this.pushed;
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /**
   * Stops retrying: whatever fails from now on, or is still queued after `graceMs`, goes
   * to the dead-letter file. Then closes the output.
   */
  async close(graceMs: number): Promise<void> {
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    this.closing = true;
    await this.idle();
    clearTimeout(timer);
    await this.output.close?.().catch(() => {});
  }

  private reject(alerts: Alert[], reason: keyof DeliveryCounts['deadLettered'], why: string) {
    if (!alerts.length) return;
    this.counts.deadLettered[reason] += alerts.length;
    this.deadLetter.write(this.name, `${reason}: ${why}`, alerts);
  }

  private async run() {
    this.running = true;
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.output.batchSize);
      if (this.abort.signal.aborted) this.reject(batch, 'shutdown', 'not delivered before shutdown');
      else await this.deliver(batch);
      this.queue.splice(0, batch.length);
      this.handled += batch.length;
      this.counts.queued = this.queue.length;
      this.waiters = this.waiters.filter((w) => (w.upTo <= this.handled ? (w.resolve(), false) : true));
    }
    this.running = false;
  }

  private async deliver(batch: Alert[]) {
    let wait = this.options.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.output.send(batch);
        this.counts.delivered += batch.length;
        this.lastError = undefined;
        return;
      } catch (err) {
        this.counts.failures++;
        this.lastError = (err as Error).message;
        if (attempt >= this.options.attempts || this.closing) {
          this.reject(batch, 'failed', `${attempt} tries, last: ${this.lastError}`);
          return;
        }
      }
      try {
        await sleep(wait, undefined, { signal: this.abort.signal });
      } catch {
        // Aborted by shutdown: the next try is the last.
      }
      wait = Math.min(wait * 2, this.options.maxBackoffMs);
    }
  }
}
