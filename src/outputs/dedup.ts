import type { Alert } from '../records/index.js';

export interface DedupOptions {
  /** Identical alerts within this window are aggregated; 0 turns deduplication off. */
  windowMs: number;
  /** The output fields that, with the rule, make two alerts identical; empty: all of them. */
  fields: string[];
}

const MAX_PENDING = 100_000;

interface Pending {
  latest: Alert;
  /** Alerts held back since the first one went out. */
  count: number;
  opened: number;
}

/**
 * Deduplication and throttling: the first alert of a kind goes out at once; identical ones
 * in the rest of its window are held and, when the window closes, go out as one alert with
 * `vigil.count`, the number it stands for.
 */
export class Deduper {
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout | undefined;
  suppressed = 0;

  constructor(
    private readonly options: DedupOptions,
    private readonly emit: (alerts: Alert[]) => void,
  ) {
    if (options.windowMs > 0) {
      this.timer = setInterval(() => this.sweep(Date.now()), Math.max(50, options.windowMs / 4));
      this.timer.unref();
    }
  }

  private key(alert: Alert): string {
    const names = this.options.fields.length ? this.options.fields : Object.keys(alert.output_fields).sort();
    return JSON.stringify([alert.rule, ...names.map((n) => alert.output_fields[n] ?? null)]);
  }

  /** Passes on the alerts that open a window; holds the rest. */
  offer(alerts: Alert[], now = Date.now()): Alert[] {
    if (this.options.windowMs <= 0) return alerts;
    const out: Alert[] = [];
    for (const alert of alerts) {
      const key = this.key(alert);
      const pending = this.pending.get(key);
      if (pending && now - pending.opened < this.options.windowMs) {
        pending.latest = alert;
        pending.count++;
        this.suppressed++;
      } else {
        if (pending) this.close(key, pending);
        // Bounded memory whatever the variety of alerts: the oldest window closes early.
        if (this.pending.size >= MAX_PENDING) {
          const [oldestKey, oldest] = this.pending.entries().next().value!;
          this.close(oldestKey, oldest);
        }
        this.pending.set(key, { latest: alert, count: 0, opened: now });
        out.push(alert);
      }
    }
    return out;
  }

  /** Emits the aggregates of every window that has closed (all of them when `now` is Infinity). */
  sweep(now: number): void {
    for (const [key, pending] of this.pending) {
      if (now - pending.opened >= this.options.windowMs) this.close(key, pending);
    }
  }

  private close(key: string, pending: Pending) {
    this.pending.delete(key);
    if (!pending.count) return;
    const seconds = Math.round(this.options.windowMs / 1000);
    const { latest, count } = pending;
    this.emit([
      {
        ...latest,
        output: `${latest.output} (repeated ${count} more times in ${seconds}s)`,
        vigil: { ...latest.vigil!, count },
      },
    ]);
  }

  /** Emits every held aggregate now (at shutdown). */
  flush(): void {
    clearInterval(this.timer);
    this.sweep(Infinity);
  }
}
