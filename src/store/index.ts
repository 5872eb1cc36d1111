import { UserError } from '../util/errors.js';
import { openSqliteFindingStore, type FindingStore } from './findings.js';

export type { FindingStore, FindingFilter, ReconcileCounts } from './findings.js';

export const DEFAULT_STORE = './vigil.db';

/**
 * Opens the findings store named by a path (SQLite) or a `postgres://` URL.
 * PostgreSQL arrives with the live-service work; until then it is refused clearly.
 */
export function openFindingStore(pathOrUrl: string = DEFAULT_STORE): FindingStore {
  if (/^postgres(ql)?:\/\//.test(pathOrUrl)) {
    throw new UserError(`store ${pathOrUrl}: the PostgreSQL store is not available yet; use a SQLite path`);
  }
  return openSqliteFindingStore(pathOrUrl);
}
