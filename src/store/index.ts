import { UserError } from '../util/errors.js';
import { openSqliteFindingStore, type FindingStore } from './findings.js';
import { isPostgresUrl, redactUrl } from './alerts.js';

export type { FindingStore, FindingFilter, ReconcileCounts } from './findings.js';
export {
  openAlertStore,
  redactUrl,
  isPostgresUrl,
  STATS_DIMENSIONS,
  type AlertStore,
  type AlertFilter,
  type AlertQuery,
  type AlertPage,
  type AlertStats,
  type StatsQuery,
  type StatsBucket,
  type StoredAlert,
} from './alerts.js';

export const DEFAULT_STORE = './vigil.db';

/**
 * Opens the findings store named by a path (SQLite) or a `postgres://` URL.
 * Findings stay in SQLite for now: their store is synchronous and PostgreSQL's client is not.
 */
export function openFindingStore(pathOrUrl: string = DEFAULT_STORE): FindingStore {
  if (isPostgresUrl(pathOrUrl)) {
    throw new UserError(`store ${redactUrl(pathOrUrl)}: findings are kept in SQLite only for now; use a SQLite path`);
  }
  return openSqliteFindingStore(pathOrUrl);
}
