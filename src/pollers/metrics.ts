import { Counter, Gauge, type Registry } from 'prom-client';
import type { PollerRunner, RunningPoller } from './runner.js';
import type { PollerStats } from './poller.js';

/** Each poller's counts in /metrics, read at scrape time, labelled by poller name. */
export function registerPollerMetrics(registry: Registry, runner: PollerRunner): void {
  const each = (value: (r: RunningPoller) => number | undefined) =>
    runner.running.flatMap((r) => {
      const v = value(r);
      return v === undefined ? [] : [[{ poller: r.poller.name }, v] as const];
    });
  const counter = (name: string, help: string, key: keyof PollerStats) =>
    new Counter({
      name, help, labelNames: ['poller'], registers: [registry],
      collect() {
        this.reset();
        for (const [labels, n] of each((r) => r.stats[key])) this.inc(labels, n);
      },
    });
  counter('vigil_poller_reads_total', 'Objects, messages or pages a poller read', 'reads');
  counter('vigil_poller_events_total', 'Events a poller emitted', 'events');
  counter('vigil_poller_duplicates_total', 'Events dropped as already seen (same id)', 'duplicates');
  counter('vigil_poller_errors_total', 'Failed poller rounds and unreadable objects', 'errors');
  counter('vigil_poller_retries_total', 'Poller rounds and rate-limited requests retried', 'retries');
  new Gauge({
    name: 'vigil_poller_lag_seconds', help: 'Age of the newest event a poller emitted', labelNames: ['poller'], registers: [registry],
    collect() {
      for (const [labels, ms] of each((r) => r.stats.newestEventMs)) this.set(labels, Math.max(0, (Date.now() - ms) / 1000));
    },
  });
  new Gauge({
    name: 'vigil_poller_last_success_timestamp_seconds', help: 'When a poller last finished a round without error', labelNames: ['poller'], registers: [registry],
    collect() {
      for (const [labels, ms] of each((r) => r.stats.lastSuccessMs)) this.set(labels, ms / 1000);
    },
  });
}
