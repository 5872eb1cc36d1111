import type { Checkpoint } from '../engine/index.js';

/** What every poller counts; read by /metrics. */
export interface PollerStats {
  /** Objects (S3), messages (SQS) or pages (APIs) read. */
  reads: number;
  events: number;
  /** Events dropped because their id was seen recently (the same event delivered twice). */
  duplicates: number;
  /** Failed rounds and unreadable objects. */
  errors: number;
  /** Rounds retried after a failure, and requests retried after a 429. */
  retries: number;
  /** Time of the newest event emitted, ms since the epoch (lag = now - this). */
  newestEventMs?: number;
  /** When the last round finished without error. */
  lastSuccessMs?: number;
}

/** What a poller is given for one round. */
export interface PollContext {
  /**
   * Hands raw records of the poller's source on; resolves once they are evaluated, their
   * alerts safe and the checkpoint (if any) committed. Records seen recently are dropped.
   */
  emit(records: unknown[], checkpoint?: Checkpoint): Promise<void>;
  /** The last committed position of a stream. */
  position(stream: string): Promise<string | undefined>;
  /** Aborted when the service stops: finish the current unit of work and return. */
  signal: AbortSignal;
  stats: PollerStats;
  log(line: string): void;
}

/**
 * A pull-based input. `poll` reads everything new since its checkpoints and returns; the
 * runner calls it again after the interval, and after a failure with backoff.
 */
export interface Poller {
  /** Unique among the configured pollers (`okta`, `cloudtrail_s3:my-trail`). */
  name: string;
  /** The source its records belong to (`aws_cloudtrail`, `okta`, `github`). */
  source: string;
  /** A record's unique id for deduplication (eventID, uuid, _document_id). */
  eventId(record: unknown): string | undefined;
  poll(ctx: PollContext): Promise<void>;
  /** Releases clients (SDK connections). */
  close?(): void;
}

/** Settings every poller has, besides its own. */
export interface PollerTiming {
  intervalMs: number;
  backoffMs: number;
  maxBackoffMs: number;
}

export const POLLER_TIMING_DEFAULTS: PollerTiming = { intervalMs: 60_000, backoffMs: 1_000, maxBackoffMs: 300_000 };
