import type { Finding, FindingKind } from '../records/index.js';
import { openFindingStore, type ReconcileCounts } from '../store/index.js';
import type { Snapshot } from './model.js';

/** The store scope of one kind of finding for one account: a re-run replaces exactly it. */
export function findingScope(kind: FindingKind, snapshot: Pick<Snapshot, 'provider' | 'account'>): string {
  return `${kind}:${snapshot.provider}:${snapshot.account}`;
}

/** Stores a run's findings; those of the scope not seen again become fixed. */
export function storeFindings(storePath: string, scope: string, findings: Finding[]): ReconcileCounts {
  const store = openFindingStore(storePath);
  try {
    return store.reconcile(scope, findings);
  } finally {
    store.close();
  }
}
