import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import type { Alert, Priority } from '../records/index.js';
import type { VigilEvent } from '../sources/index.js';

/** The position of an input stream after a submission, committed once it is fully handled. */
export interface Checkpoint {
  stream: string;
  position: string;
}

export interface PipelineStages {
  evaluate(event: VigilEvent): Alert[];
  /**
   * Optional: what state kept across events makes of a submission's events once the rules
   * have seen them (event-driven drift), in order; its alerts are published with the rules'.
   * When it fails, the submission fails as when publishing does.
   */
  follow?(events: VigilEvent[]): Promise<Alert[]>;
  /** Hands alerts on; resolves once they are safe (stored), so a checkpoint may follow. */
  publish(alerts: Alert[]): Promise<void>;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
}

export interface PipelineOptions {
  /** Events waiting at most; a submission that does not fit is refused (backpressure). */
  capacity: number;
  /** Events evaluated before their alerts are published together. */
  batchSize: number;
}

export const PIPELINE_DEFAULTS: PipelineOptions = { capacity: 10_000, batchSize: 256 };

export interface PipelineCounts {
  accepted: number;
  processed: number;
  /** Events whose evaluation threw (counted as processed, with no alerts). */
  evaluationErrors: number;
  alerts: number;
  alertsByPriority: Partial<Record<Priority, number>>;
  /** Submissions refused because the queue was full. */
  refused: number;
  checkpoints: number;
}

/** Why a submission was refused: the queue is full (try again) or the pipeline is closed. */
export class Backpressure extends Error {
  constructor(readonly reason: 'full' | 'closed') {
    super(reason === 'full' ? 'the event queue is full; retry later' : 'the service is shutting down');
    this.name = 'Backpressure';
  }
}

interface Submission {
  events: VigilEvent[];
  checkpoint?: Checkpoint;
  resolve: (alerts: number) => void;
  reject: (err: Error) => void;
}

/**
 * The bounded queue between receiving events and evaluating them. A submission resolves
 * when its events are evaluated and their alerts published, so acknowledging it to the
 * sender (or committing its checkpoint) means nothing in it can be lost any more.
 */
export class Pipeline {
  readonly counts: PipelineCounts = {
    accepted: 0,
    processed: 0,
    evaluationErrors: 0,
    alerts: 0,
    alertsByPriority: {},
    refused: 0,
    checkpoints: 0,
  };
  private queue: Submission[] = [];
  private queued = 0;
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly options: PipelineOptions;

  constructor(
    private readonly stages: PipelineStages,
    options: Partial<PipelineOptions> = {},
  ) {
    this.options = { ...PIPELINE_DEFAULTS, ...options };
  }

  /** Events waiting to be evaluated. */
  get depth(): number {
    return this.queued;
  }

  /** Events accepted whose outcome is not yet committed. */
  get lag(): number {
    return this.counts.accepted - this.counts.processed;
  }

  /**
   * Queues events; resolves with the number of alerts they raised once those are published.
   * Refused with Backpressure when the queue is full (an oversized submission is taken
   * when the queue is empty) or the pipeline is closing.
   */
  submit(events: VigilEvent[], checkpoint?: Checkpoint): Promise<number> {
    if (this.closed) return Promise.reject(new Backpressure('closed'));
    if (this.queued > 0 && this.queued + events.length > this.options.capacity) {
      this.counts.refused++;
      return Promise.reject(new Backpressure('full'));
    }
    this.counts.accepted += events.length;
    this.queued += events.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ events, checkpoint, resolve, reject });
      if (!this.running) {
        // Evaluation starts on a later turn, never inside the caller: requests arriving
        // together are all queued (or refused) before any of them is evaluated.
        this.running = true;
        setImmediate(() => void this.run());
      }
    });
  }

  /** Like `submit`, but waits for room instead of being refused (for replays and pollers). */
  async submitWhenRoom(events: VigilEvent[], checkpoint?: Checkpoint): Promise<number> {
    for (;;) {
      try {
        return await this.submit(events, checkpoint);
      } catch (err) {
        if (!(err instanceof Backpressure && err.reason === 'full')) throw err;
        this.counts.refused--;
        await sleep(20);
      }
    }
  }

  /**
   * Alerts raised outside the flow of events (a drift API read that answers later): counted
   * with the events' own (vigil_alerts_total), then published the same way.
   */
  async publishRaised(alerts: Alert[]): Promise<void> {
    const counted: Alert[] = [];
    this.collect(alerts, counted);
    await this.stages.publish(counted);
  }

  /** Stops taking submissions and resolves when everything accepted is processed. */
  async drain(): Promise<void> {
    this.closed = true;
    if (!this.running) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private takeBatch(): Submission[] {
    const batch: Submission[] = [];
    let events = 0;
    while (this.queue.length && (events === 0 || events + this.queue[0]!.events.length <= this.options.batchSize)) {
      const next = this.queue.shift()!;
      batch.push(next);
      events += next.events.length;
    }
    return batch;
  }

  private async run() {
    while (this.queue.length) {
      const batch = this.takeBatch();
      const alerts: Alert[] = [];
      const raised: number[] = [];
      try {
        for (const s of batch) {
          const before = alerts.length;
          for (const event of s.events) this.evaluate(event, alerts);
          if (this.stages.follow) this.collect(await this.stages.follow(s.events), alerts);
          raised.push(alerts.length - before);
        }
        await this.stages.publish(alerts);
        await this.commit(batch);
        batch.forEach((s, i) => s.resolve(raised[i]!));
      } catch (err) {
        batch.forEach((s) => s.reject(err as Error));
      }
      const events = batch.reduce((n, s) => n + s.events.length, 0);
      this.queued -= events;
      this.counts.processed += events;
      // Let the server read requests between batches.
      await yieldToIo();
    }
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private evaluate(event: VigilEvent, into: Alert[]) {
    let alerts: Alert[];
    try {
      alerts = this.stages.evaluate(event);
    } catch {
      this.counts.evaluationErrors++;
      return;
    }
    this.collect(alerts, into);
  }

  private collect(alerts: Alert[], into: Alert[]) {
    for (const alert of alerts) {
      const p = alert.vigil?.priority;
      if (p) this.counts.alertsByPriority[p] = (this.counts.alertsByPriority[p] ?? 0) + 1;
      into.push(alert);
    }
    this.counts.alerts += alerts.length;
  }

  /** The last position of each stream in the batch, committed after its alerts are safe. */
  private async commit(batch: Submission[]) {
    const last = new Map<string, string>();
    for (const s of batch) if (s.checkpoint) last.set(s.checkpoint.stream, s.checkpoint.position);
    for (const [stream, position] of last) {
      await this.stages.saveCheckpoint({ stream, position });
      this.counts.checkpoints++;
    }
  }
}
