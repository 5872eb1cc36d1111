export {
  openFindingStore,
  storeFindings,
  findingsLimit,
  type FindingStore,
  type FindingFilter,
  type FindingQuery,
  type FindingPage,
  type ReconcileCounts,
  type Reconciled,
  type ReconcileOptions,
} from './findings.js';
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

/** Alerts and findings are kept in the same database: a SQLite path or a `postgres://` URL. */
export const DEFAULT_STORE = './vigil.db';
