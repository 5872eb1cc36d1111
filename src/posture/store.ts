import type { FindingKind } from '../records/index.js';
import type { Snapshot } from './model.js';

/** The store scope of one kind of finding for one account: a re-run replaces exactly it. */
export function findingScope(kind: FindingKind, snapshot: Pick<Snapshot, 'provider' | 'account'>): string {
  return `${kind}:${snapshot.provider}:${snapshot.account}`;
}
