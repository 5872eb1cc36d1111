/**
 * Event-driven drift inside `vigil serve`: the actual state is kept in memory and brought
 * up to date by each CloudTrail event that changes a tracked resource; that resource's
 * drift is re-evaluated at once, stored (a drift put right becomes fixed), and each new or
 * worsened finding becomes an alert naming who changed what, when, from where and how.
 * With a reader of the cloud's API, the resource is then read again and the API's answer
 * replaces what the event implied (it confirms or corrects it).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isoNanos } from '../engine/time.js';
import type { Alert, Finding, Priority } from '../records/index.js';
import { displayPriority } from '../records/index.js';
import type { VigilEvent } from '../sources/index.js';
import type { FindingStore, Reconciled } from '../store/index.js';
import { UserError } from '../util/errors.js';
import { driftFromCloudTrailEvent, resourceDrift, type ChangeActor, type CloudTrailEvent, type EventDrift } from './cloudtrail.js';
import { computeDrift } from './drift.js';
import { loadExpected, type ExpectedState } from './expected.js';
import { resourceKey, type Resource, type ResourceRef, type Snapshot } from './model.js';
import { loadSnapshot, snapshotJson } from './snapshot.js';
import { findingScope } from './store.js';

export interface LiveDriftOptions {
  /** Terraform state files or directories, declared inventory YAML. */
  expected: string[];
  /** The actual state: a vigil snapshot file, written back as events change it. */
  snapshot: string;
}

export interface LiveDriftCounts {
  /** CloudTrail events seen. */
  events: number;
  /** Events that changed a tracked resource (its drift re-evaluated). */
  changes: number;
  /** Events that could not be read as CloudTrail records. */
  unreadable: number;
  /** Alerts raised for new or worsened drift. */
  alerts: number;
  /** Resources read again from the API after their event, and their drift re-evaluated. */
  refreshes: number;
  /** Reads that failed (access denied, throttled after retries, network) or found the queue full: the event's result stands. */
  refreshFailed: number;
}

/** Reads one resource from the cloud's API; null when it no longer exists. */
export interface ResourceReader {
  read(ref: ResourceRef): Promise<Resource | null>;
  close(): void;
}

export interface LiveDriftRefresh {
  reader: ResourceReader;
  /** Hands on the alerts a read raises; they follow the event's own alerts, outside its submission. */
  publish(alerts: Alert[]): Promise<void>;
  log(line: string): void;
}

/** Reads in flight at most (IAM and S3 throttle), and resources waiting at most. */
const REFRESH_CONCURRENCY = 4;
const REFRESH_QUEUE = 1000;

interface RefreshJob {
  ref: ResourceRef;
  /** The latest event that changed the resource: the one its findings name. */
  event: VigilEvent;
}

/** Drift scores (0–10) as alert priorities. */
const PRIORITY_BY_SCORE: Array<[number, Priority]> = [
  [9, 'critical'],
  [7, 'error'],
  [5, 'warning'],
  [3, 'notice'],
  [0, 'informational'],
];

export function priorityOfScore(score: number): Priority {
  return PRIORITY_BY_SCORE.find(([min]) => score >= min)![1];
}

/** A drift finding raised by a CloudTrail event, as an alert for the outputs. */
export function driftAlert(finding: Finding, event: VigilEvent, host = hostname()): Alert {
  const actor = finding.details?.cloudtrail as ChangeActor | undefined;
  const priority = priorityOfScore(finding.score);
  return {
    time: event.timeNs !== undefined ? isoNanos(event.timeNs) : finding.lastSeen,
    rule: `Drift: ${finding.title}`,
    priority: displayPriority(priority),
    output: `Drift: ${finding.description} [score ${finding.score}]`,
    output_fields: {
      'drift.rule': finding.rule,
      'drift.score': finding.score,
      'drift.resource': finding.resource,
      'drift.resource_key': (finding.details?.resourceKey as string | undefined) ?? null,
      'drift.fingerprint': finding.fingerprint,
      'ct.user': actor?.who ?? null,
      'ct.time': actor?.when ?? null,
      'ct.srcip': actor?.sourceIp ?? null,
      'ct.region': actor?.region ?? null,
      'ct.name': actor?.eventName ?? null,
      'ct.id': actor?.eventId ?? null,
      'ct.useragent': actor?.userAgent ?? null,
    },
    source: event.source,
    tags: ['drift', 'aws', 'cloudtrail'],
    hostname: host,
    vigil: { priority, event: event.data, origin: event.origin, finding: finding.fingerprint },
  };
}

/**
 * The actual state of one account, followed event by event, and its drift in a findings store.
 *
 * API reads are queued, not awaited in `follow`: a read takes several calls (more when
 * throttled and retried), and the submission, and every event behind it, would wait for
 * them. The event's result is stored and alerted at once; the read comes after it, one per
 * resource however many events changed it meanwhile, and a read overtaken by a newer event
 * for the same resource is dropped for the read that event queues.
 */
export class LiveDrift {
  readonly counts: LiveDriftCounts = { events: 0, changes: 0, unreadable: 0, alerts: 0, refreshes: 0, refreshFailed: 0 };
  private unsaved = false;
  private readonly pending = new Map<string, RefreshJob>();
  private readonly reading = new Set<string>();
  /** Events applied per resource, to tell a read that an event overtook. */
  private readonly changed = new Map<string, number>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** Store writes one after another: an event's and a read's for the same resource must not interleave. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly expected: ExpectedState,
    private actual: Snapshot,
    private readonly file: string,
    private readonly store: FindingStore,
    private readonly refresh?: LiveDriftRefresh,
  ) {}

  /** Reads and checks the expected state and the snapshot; a bad file is a UserError naming its place. */
  static load(options: LiveDriftOptions): { expected: ExpectedState; snapshot: Snapshot } {
    const expected = loadExpected(options.expected);
    const snapshot = loadSnapshot(options.snapshot);
    if (snapshot.provider !== 'aws') {
      throw new UserError(`${options.snapshot}: event-driven drift follows AWS CloudTrail, but this snapshot is of ${snapshot.provider}`);
    }
    return { expected, snapshot };
  }

  get snapshot(): Snapshot {
    return this.actual;
  }

  private get scope(): string {
    return findingScope('drift', this.actual);
  }

  /** The whole snapshot's drift, stored as `vigil drift` would (at start, no alerts). */
  reconcileAll(): Promise<Reconciled> {
    return this.store.reconcile(this.scope, computeDrift(this.expected, this.actual));
  }

  /** Applies the CloudTrail events among `events`, in order; returns alerts for new or worsened drift. */
  async follow(events: VigilEvent[]): Promise<Alert[]> {
    const alerts: Alert[] = [];
    for (const event of events) {
      if (event.source !== 'aws_cloudtrail') continue;
      this.counts.events++;
      const change = this.apply(event.data);
      if (change?.resourceKey === undefined) continue;
      const key = change.resourceKey;
      this.actual = change.snapshot;
      this.unsaved = true;
      this.counts.changes++;
      this.changed.set(key, (this.changed.get(key) ?? 0) + 1);
      const stored = await this.write(() => this.store.reconcile(this.scope, change.findings, { subject: key }));
      for (const finding of stored.raised) alerts.push(driftAlert(finding, event));
      if (this.refresh) this.queue(key, { ref: change.resource!, event });
    }
    this.counts.alerts += alerts.length;
    return alerts;
  }

  /** Resources waiting for or in an API read. */
  get refreshing(): number {
    return this.pending.size + this.reading.size;
  }

  /** Resolves when no read is waiting or in flight. */
  settled(): Promise<void> {
    return this.refreshing === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Lets the reads in hand finish (for at most `graceMs`), drops those not started, and closes the reader. */
  async stop(graceMs: number): Promise<void> {
    if (!this.refresh || this.stopped) return;
    this.stopped = true;
    const dropped = this.pending.size;
    this.pending.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    if (dropped + this.reading.size) this.refresh.log(`vigil: drift: ${dropped + this.reading.size} API reads not made at shutdown; their events' results stand`);
    this.refresh.reader.close();
  }

  private queue(key: string, job: RefreshJob) {
    if (this.stopped) return;
    if (!this.pending.has(key) && this.pending.size >= REFRESH_QUEUE) {
      this.counts.refreshFailed++;
      this.refresh!.log(`vigil: drift: ${REFRESH_QUEUE} resources already wait for an API read; ${key} keeps what ${this.eventName(job)} says`);
      return;
    }
    this.pending.set(key, job);
    this.pump();
  }

  private pump() {
    for (const [key, job] of this.pending) {
      if (this.reading.size >= REFRESH_CONCURRENCY) break;
      if (this.reading.has(key)) continue;
      this.pending.delete(key);
      this.reading.add(key);
      void this.reread(key, job).finally(() => {
        this.reading.delete(key);
        this.pump();
        if (this.refreshing === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  /** Reads the resource from the API; the answer replaces the event's version and its drift is reconciled again. */
  private async reread(key: string, job: RefreshJob): Promise<void> {
    const { reader, publish, log } = this.refresh!;
    const seen = this.changed.get(key);
    let resource: Resource | null;
    try {
      resource = await reader.read(job.ref);
    } catch (err) {
      this.counts.refreshFailed++;
      const e = err as Error;
      log(`vigil: drift: cannot read ${key} from the API (${e.name}: ${e.message.split('\n')[0]}); keeping what ${this.eventName(job)} says`);
      return;
    }
    const alerts = await this.write(async () => {
      // A newer event for the resource queued a read of its own, which will answer after it.
      if (this.changed.get(key) !== seen) return [];
      const resources = this.actual.resources.filter((r) => resourceKey(r) !== key);
      if (resource) resources.push(resource);
      this.actual = { ...this.actual, resources };
      this.unsaved = true;
      this.counts.refreshes++;
      const record = job.event.data as CloudTrailEvent;
      const stored = await this.store.reconcile(this.scope, resourceDrift(key, this.expected, this.actual, record), { subject: key });
      return stored.raised.map((finding) => driftAlert(finding, job.event));
    }).catch((err: Error) => {
      log(`vigil: drift: cannot store the drift of ${key} after its API read: ${err.message}`);
      return [];
    });
    if (!alerts.length) return;
    this.counts.alerts += alerts.length;
    await publish(alerts).catch((err: Error) => log(`vigil: drift: cannot publish the alerts of ${key}'s API read: ${err.message}`));
  }

  private eventName(job: RefreshJob): string {
    return (job.event.data as CloudTrailEvent).eventName;
  }

  private write<T>(step: () => Promise<T>): Promise<T> {
    const done = this.writes.then(step);
    this.writes = done.catch(() => undefined);
    return done;
  }

  /** The event applied to the actual state; undefined when it is not a CloudTrail record vigil can read. */
  private apply(data: unknown): EventDrift | undefined {
    const record = data as CloudTrailEvent | null;
    if (!record || typeof record !== 'object' || typeof record.eventName !== 'string' || typeof record.eventTime !== 'string') {
      this.counts.unreadable++;
      return undefined;
    }
    try {
      return driftFromCloudTrailEvent(record, this.expected, this.actual);
    } catch {
      // An odd record must not stop the events after it (nor fail its request for ever).
      this.counts.unreadable++;
      return undefined;
    }
  }

  /** Writes the snapshot back when events changed it (to a new file renamed over the old one). */
  save(): boolean {
    if (!this.unsaved) return false;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, snapshotJson(this.actual));
    renameSync(temporary, this.file);
    this.unsaved = false;
    return true;
  }
}
