import type { Alert } from '../records/index.js';

/**
 * A place alerts are delivered to. `send` either delivers the whole batch or throws; the
 * delivery around it retries, queues and dead-letters, so an output only talks to its sink.
 */
export interface Output {
  /** The configured name, used in metrics and the dead-letter file. */
  readonly name: string;
  /** Most alerts per `send`: 1 for sinks that take one message at a time. */
  readonly batchSize: number;
  send(alerts: Alert[]): Promise<void>;
  close?(): Promise<void>;
}
