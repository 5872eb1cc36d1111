/**
 * Event-driven drift inside `vigil serve`: the actual state is kept in memory and brought
 * up to date by each CloudTrail event that changes a tracked resource; that resource's
 * drift is re-evaluated at once, stored (a drift put right becomes fixed), and each new or
 * worsened finding becomes an alert naming who changed what, when, from where and how.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isoNanos } from '../engine/time.js';
import type { Alert, Finding, Priority } from '../records/index.js';
import { displayPriority } from '../records/index.js';
import type { VigilEvent } from '../sources/index.js';
import type { FindingStore, Reconciled } from '../store/index.js';
import { UserError } from '../util/errors.js';
import { driftFromCloudTrailEvent, type ChangeActor, type CloudTrailEvent, type EventDrift } from './cloudtrail.js';
import { computeDrift } from './drift.js';
import { loadExpected, type ExpectedState } from './expected.js';
import type { Snapshot } from './model.js';
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

/** The actual state of one account, followed event by event, and its drift in a findings store. */
export class LiveDrift {
  readonly counts: LiveDriftCounts = { events: 0, changes: 0, unreadable: 0, alerts: 0 };
  private unsaved = false;

  constructor(
    private readonly expected: ExpectedState,
    private actual: Snapshot,
    private readonly file: string,
    private readonly store: FindingStore,
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
      this.actual = change.snapshot;
      this.unsaved = true;
      this.counts.changes++;
      const stored = await this.store.reconcile(this.scope, change.findings, { subject: change.resourceKey });
      for (const finding of stored.raised) alerts.push(driftAlert(finding, event));
    }
    this.counts.alerts += alerts.length;
    return alerts;
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
