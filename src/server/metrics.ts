import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pipeline } from '../engine/index.js';
import type { Dispatcher } from '../outputs/index.js';
import type { LiveDrift } from '../posture/index.js';

/** Why a request was refused; each is counted in vigil_requests_rejected_total. */
export type RejectReason =
  | 'too_large'
  | 'malformed'
  | 'not_source_document'
  | 'unknown_source'
  | 'unauthenticated'
  | 'backpressure'
  | 'shutting_down'
  | 'bad_query'
  | 'not_found'
  | 'internal';

/**
 * The service's Prometheus metrics, in their own registry. Counters the server owns are
 * incremented here; the pipeline's and outputs' own counts are read at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'vigil_events_received_total',
    help: 'Events received over HTTP, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'vigil_requests_rejected_total',
    help: 'Requests refused, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(pipeline: Pipeline, dispatcher: Dispatcher, drift?: Pick<LiveDrift, 'counts' | 'refreshing'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
    type Values = Array<[Record<string, string>, number]>;
    // Counts the pipeline and the outputs keep themselves, read at scrape time.
    const mirror = (type: 'counter' | 'gauge', name: string, help: string, labelNames: string[], read: () => Values) => {
      const registers = [this.registry];
      if (type === 'gauge') {
        return new Gauge({ name, help, labelNames, registers, collect() { for (const [l, n] of read()) this.set(l, n); } });
      }
      return new Counter({ name, help, labelNames, registers, collect() { this.reset(); for (const [l, n] of read()) this.inc(l, n); } });
    };
    const one = (n: number): Values => [[{}, n]];
    const outputs = (value: (d: Dispatcher['deliveries'][number]) => number): Values =>
      dispatcher.deliveries.map((d) => [{ output: d.name }, value(d)]);
    mirror('counter', 'vigil_events_parsed_total', 'Events evaluated by the rules', [], () => one(pipeline.counts.processed));
    mirror('counter', 'vigil_events_evaluation_errors_total', 'Events whose evaluation failed', [], () => one(pipeline.counts.evaluationErrors));
    mirror('counter', 'vigil_alerts_total', 'Alerts raised, by priority', ['priority'], () =>
      Object.entries(pipeline.counts.alertsByPriority).map(([priority, n]) => [{ priority }, n]),
    );
    mirror('gauge', 'vigil_queue_depth', 'Events waiting to be evaluated', [], () => one(pipeline.depth));
    mirror('gauge', 'vigil_checkpoint_lag_events', 'Events accepted whose outcome is not committed yet', [], () => one(pipeline.lag));
    mirror('counter', 'vigil_alerts_suppressed_total', 'Alerts held back by deduplication', [], () => one(dispatcher.suppressed));
    mirror('counter', 'vigil_output_delivered_total', 'Alerts delivered, by output', ['output'], () => outputs((d) => d.counts.delivered));
    mirror('counter', 'vigil_output_failures_total', 'Failed delivery attempts, by output', ['output'], () => outputs((d) => d.counts.failures));
    mirror('counter', 'vigil_output_redelivered_total', 'Dead-lettered alerts sent again', [], () => one(dispatcher.redelivered));
    mirror('gauge', 'vigil_output_queue_depth', 'Alerts waiting for an output', ['output'], () => outputs((d) => d.counts.queued));
    mirror('counter', 'vigil_output_dead_lettered_total', 'Alerts kept in the dead-letter file, by output and reason', ['output', 'reason'], () =>
      dispatcher.deliveries.flatMap((d) => Object.entries(d.counts.deadLettered).map(([reason, n]): [Record<string, string>, number] => [{ output: d.name, reason }, n])),
    );
    if (drift) {
      const counts = drift.counts;
      mirror('counter', 'vigil_drift_events_total', 'CloudTrail events seen by event-driven drift', [], () => one(counts.events));
      mirror('counter', 'vigil_drift_changes_total', 'Events that changed a tracked resource (its drift re-evaluated)', [], () => one(counts.changes));
      mirror('counter', 'vigil_drift_unreadable_total', 'Events that could not be read as CloudTrail records', [], () => one(counts.unreadable));
      mirror('counter', 'vigil_drift_alerts_total', 'Alerts raised for new or worsened drift', [], () => one(counts.alerts));
      mirror('counter', 'vigil_drift_refreshes_total', 'Changed resources read again from the cloud API', [], () => one(counts.refreshes));
      mirror('counter', 'vigil_drift_refresh_failures_total', 'API reads that failed; the event result stands', [], () => one(counts.refreshFailed));
      mirror('gauge', 'vigil_drift_refresh_queue_depth', 'Changed resources waiting for or in an API read', [], () => one(drift.refreshing));
    }
  }

  reject(reason: RejectReason): void {
    this.rejected.inc({ reason });
  }
}
