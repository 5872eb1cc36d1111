import { PRIORITIES, parsePriority, type Alert, type Priority } from '../records/index.js';
import { parseTimeNanos } from '../engine/time.js';
import { UserError } from '../util/errors.js';
import { openPostgresDb, openSqliteDb, type SqlDb } from './alerts-db.js';
import { migrate } from './alerts-schema.js';

/** An alert as the store keeps it: its id, when it was stored, and the alert with its event. */
export interface StoredAlert {
  id: string;
  storedAt: string;
  alert: Alert;
}

export interface AlertFilter {
  rule?: string;
  /** This priority or more severe. */
  priority?: Priority;
  source?: string;
  tag?: string;
  /** Alert time range, inclusive `from`, exclusive `to` (RFC 3339). */
  from?: string;
  to?: string;
  /** Words that must all appear in the alert output, in any case. */
  text?: string;
}

export interface AlertQuery extends AlertFilter {
  /** The `next` of a previous page. */
  cursor?: string;
  limit?: number;
}

export interface AlertPage {
  alerts: StoredAlert[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

export type StatsDimension = 'priority' | 'rule' | 'source';
export const STATS_DIMENSIONS: readonly StatsDimension[] = ['priority', 'rule', 'source'];

export interface StatsQuery extends AlertFilter {
  /** Bucket width in milliseconds. */
  bucketMs: number;
}

export interface StatsBucket {
  start: string;
  total: number;
  priority: Record<string, number>;
  rule: Record<string, number>;
  source: Record<string, number>;
}

export interface AlertStats {
  bucketMs: number;
  total: number;
  priority: Record<string, number>;
  rule: Record<string, number>;
  source: Record<string, number>;
  buckets: StatsBucket[];
}

/** Where every alert is kept, with its event: SQLite or PostgreSQL behind one interface. */
export interface AlertStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Stores alerts (in statements of up to 500 rows); returns how many. */
  insert(alerts: Alert[]): Promise<number>;
  get(id: string): Promise<StoredAlert | undefined>;
  query(query?: AlertQuery): Promise<AlertPage>;
  stats(query: StatsQuery): Promise<AlertStats>;
  /** Deletes alerts stored more than `ageMs` ago; returns how many. */
  purgeOlderThan(ageMs: number, now?: number): Promise<number>;
  /** The last committed position of an input stream (a file, a poller), if any. */
  checkpoint(stream: string): Promise<string | undefined>;
  saveCheckpoint(stream: string, position: string): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_ALERT_STORE = './vigil.db';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_BUCKETS = 10_000;
/** Rows per INSERT: 9 parameters each stays far below both databases' parameter limits. */
const INSERT_CHUNK = 500;
const COLUMNS = 'time, time_ms, stored_ms, rule, priority, severity, source, tags, output, body';

export function isPostgresUrl(pathOrUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(pathOrUrl);
}

/** Opens the alert store named by a path (SQLite, WAL) or a `postgres://` URL, migrating it. */
export async function openAlertStore(pathOrUrl: string = DEFAULT_ALERT_STORE): Promise<AlertStore> {
  return new SqlAlertStore(await openStoreDb(pathOrUrl));
}

/** The database named by a path (SQLite, WAL) or a `postgres://` URL, brought up to the newest schema. */
export async function openStoreDb(pathOrUrl: string): Promise<SqlDb> {
  const db = isPostgresUrl(pathOrUrl) ? openPostgresDb(pathOrUrl) : openSqliteDb(pathOrUrl);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw new UserError(`store ${redactUrl(pathOrUrl)}: ${(err as Error).message}`);
  }
  return db;
}

/** A URL as it may be printed: without its password. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

function alertTimeMs(alert: Alert): number {
  const ns = parseTimeNanos(alert.time);
  return ns === undefined ? Date.now() : Number(ns / 1_000_000n);
}

function severityOf(alert: Alert): number {
  const p = alert.vigil?.priority ?? parsePriority(alert.priority) ?? 'debug';
  return PRIORITIES.indexOf(p);
}

function timeMs(text: string, name: string): number {
  const ns = parseTimeNanos(text);
  if (ns === undefined) throw new UserError(`${name}: not a time: ${JSON.stringify(text)}`);
  return Number(ns / 1_000_000n);
}

function escapeLike(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause of a filter, shared by queries and stats. */
function where(filter: AlertFilter, extra: string[] = [], params: unknown[] = []): [string, unknown[]] {
  const clauses = [...extra];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filter.rule !== undefined) add('rule = ?', filter.rule);
  if (filter.source !== undefined) add('source = ?', filter.source);
  if (filter.priority !== undefined) add('severity <= ?', PRIORITIES.indexOf(filter.priority));
  if (filter.tag !== undefined) add(`tags LIKE ? ESCAPE '\\'`, `%|${escapeLike(filter.tag)}|%`);
  if (filter.from !== undefined) add('time_ms >= ?', timeMs(filter.from, 'from'));
  if (filter.to !== undefined) add('time_ms < ?', timeMs(filter.to, 'to'));
  for (const word of (filter.text ?? '').split(/\s+/).filter(Boolean)) {
    add(`lower(output) LIKE ? ESCAPE '\\'`, `%${escapeLike(word)}%`);
  }
  return [clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params];
}

function encodeCursor(id: string): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^a:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new UserError(`cursor: not a cursor this server gave: ${JSON.stringify(cursor)}`);
  return Number(m[1]);
}

interface AlertRow {
  id: number | string;
  stored_ms: number | string;
  body: string;
}

function rowToStored(row: AlertRow): StoredAlert {
  return {
    id: String(row.id),
    storedAt: new Date(Number(row.stored_ms)).toISOString(),
    alert: JSON.parse(row.body) as Alert,
  };
}

class SqlAlertStore implements AlertStore {
  constructor(private readonly db: SqlDb) {}

  get kind() {
    return this.db.dialect;
  }

  async insert(alerts: Alert[]): Promise<number> {
    let stored = 0;
    const now = Date.now();
    for (let start = 0; start < alerts.length; start += INSERT_CHUNK) {
      const chunk = alerts.slice(start, start + INSERT_CHUNK);
      const params: unknown[] = [];
      for (const a of chunk) {
        const severity = severityOf(a);
        const tags = a.tags.length ? `|${a.tags.map((t) => t.toLowerCase()).join('|')}|` : '';
        params.push(a.time, alertTimeMs(a), now, a.rule, PRIORITIES[severity], severity, a.source, tags, a.output, JSON.stringify(a));
      }
      const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      stored += await this.db.run(`INSERT INTO alerts (${COLUMNS}) VALUES ${values}`, params);
    }
    return stored;
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await this.db.query<AlertRow>('SELECT id, stored_ms, body FROM alerts WHERE id = ?', [Number(id)]);
    return row && rowToStored(row);
  }

  async query(query: AlertQuery = {}): Promise<AlertPage> {
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
    const extra = query.cursor !== undefined ? ['id < ?'] : [];
    const [clause, params] = where(query, extra, query.cursor !== undefined ? [decodeCursor(query.cursor)] : []);
    const rows = await this.db.query<AlertRow>(
      `SELECT id, stored_ms, body FROM alerts ${clause} ORDER BY id DESC LIMIT ${limit + 1}`,
      params,
    );
    const alerts = rows.slice(0, limit).map(rowToStored);
    return rows.length > limit ? { alerts, next: encodeCursor(alerts[alerts.length - 1]!.id) } : { alerts };
  }

  async stats(query: StatsQuery): Promise<AlertStats> {
    const bucketMs = Math.floor(query.bucketMs);
    if (!(bucketMs >= 1000)) throw new UserError('bucket: must be at least one second');
    const stats: AlertStats = { bucketMs, total: 0, priority: {}, rule: {}, source: {}, buckets: [] };
    const buckets = new Map<number, StatsBucket>();
    const [clause, params] = where(query);
    for (const dimension of STATS_DIMENSIONS) {
      const rows = await this.db.query<{ bucket: number | string; key: string; n: number | string }>(
        `SELECT (time_ms / ${bucketMs}) * ${bucketMs} AS bucket, ${dimension} AS key, COUNT(*) AS n
         FROM alerts ${clause} GROUP BY bucket, key ORDER BY bucket`,
        params,
      );
      for (const row of rows) {
        const start = Number(row.bucket);
        const n = Number(row.n);
        let bucket = buckets.get(start);
        if (!bucket) {
          if (buckets.size >= MAX_BUCKETS) throw new UserError(`bucket: more than ${MAX_BUCKETS} buckets; use a wider bucket or a time range`);
          bucket = { start: new Date(start).toISOString(), total: 0, priority: {}, rule: {}, source: {} };
          buckets.set(start, bucket);
        }
        bucket[dimension][row.key] = (bucket[dimension][row.key] ?? 0) + n;
        stats[dimension][row.key] = (stats[dimension][row.key] ?? 0) + n;
        if (dimension === 'priority') {
          bucket.total += n;
          stats.total += n;
        }
      }
    }
    stats.buckets = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    return stats;
  }

  async purgeOlderThan(ageMs: number, now = Date.now()): Promise<number> {
    return this.db.run('DELETE FROM alerts WHERE stored_ms < ?', [now - ageMs]);
  }

  async checkpoint(stream: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ position: string }>('SELECT position FROM checkpoints WHERE stream = ?', [stream]);
    return row?.position;
  }

  async saveCheckpoint(stream: string, position: string): Promise<void> {
    await this.db.run(
      `INSERT INTO checkpoints (stream, position, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET position = excluded.position, updated_ms = excluded.updated_ms`,
      [stream, position, Date.now()],
    );
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1 AS ok');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
