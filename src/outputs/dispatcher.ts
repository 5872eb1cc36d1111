import type { Alert } from '../records/index.js';
import { Deduper, type DedupOptions } from './dedup.js';
import type { Delivery } from './delivery.js';
import type { DeadLetter } from './dead-letter.js';

export interface Route {
  delivery: Delivery;
  /** Receives deduplicated alerts (notifications) rather than every alert (the store). */
  dedup: boolean;
  /** `publish` waits until this output has the alerts (the store: nothing accepted is lost). */
  awaited: boolean;
}

/** Hands each alert to every enabled output; each output delivers on its own. */
export class Dispatcher {
  private readonly deduper: Deduper;
  published = 0;
  redelivered = 0;
  private redelivering: Promise<number> | undefined;

  constructor(
    readonly routes: Route[],
    dedup: DedupOptions,
    readonly deadLetter: DeadLetter,
  ) {
    this.deduper = new Deduper(dedup, (aggregates) => void this.fanOut(aggregates, true));
  }

  get deliveries(): Delivery[] {
    return this.routes.map((r) => r.delivery);
  }

  get suppressed(): number {
    return this.deduper.suppressed;
  }

  async publish(alerts: Alert[]): Promise<void> {
    if (!alerts.length) return;
    this.published += alerts.length;
    const all = this.fanOut(alerts, false);
    const deduped = this.fanOut(this.deduper.offer(alerts), true);
    await Promise.all([all, deduped]);
  }

  private fanOut(alerts: Alert[], dedup: boolean): Promise<unknown> {
    if (!alerts.length) return Promise.resolve();
    const waits: Promise<void>[] = [];
    for (const route of this.routes) {
      if (route.dedup !== dedup) continue;
      const done = route.delivery.push(alerts);
      if (route.awaited) waits.push(done);
    }
    return Promise.all(waits);
  }

  /**
   * Sends the dead-lettered alerts to their outputs again; what fails again is dead-lettered
   * again. Returns how many alerts were re-sent.
   */
  redeliver(): Promise<number> {
    // One at a time: a second would claim the files the first is re-sending.
    return (this.redelivering ??= this.redeliverOnce().finally(() => (this.redelivering = undefined)));
  }

  private async redeliverOnce(): Promise<number> {
    const claim = this.deadLetter.claim();
    const waits: Promise<void>[] = [];
    let count = 0;
    for (const [name, alerts] of claim.byOutput) {
      const delivery = this.deliveries.find((d) => d.name === name);
      if (!delivery) {
        this.deadLetter.write(name, 'kept: no output of this name is configured now', alerts);
        continue;
      }
      count += alerts.length;
      waits.push(delivery.push(alerts));
    }
    await Promise.all(waits);
    claim.release();
    this.redelivered += count;
    return count;
  }

  /** Resolves when every output has delivered or dead-lettered what it was given. */
  idle(): Promise<unknown> {
    return Promise.all(this.deliveries.map((d) => d.idle()));
  }

  /** Emits held aggregates, then gives every output `graceMs` to finish before dead-lettering the rest. */
  async close(graceMs: number): Promise<void> {
    this.deduper.flush();
    await Promise.all(this.deliveries.map((d) => d.close(graceMs)));
  }
}
