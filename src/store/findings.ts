import type { Finding, FindingKind, FindingStatus } from '../records/index.js';
import { UserError } from '../util/errors.js';
import type { SqlDb, SqlStatements } from './alerts-db.js';
import { openStoreDb } from './alerts.js';

export interface FindingFilter {
  kind?: FindingKind;
  status?: FindingStatus;
  scope?: string;
}

export interface FindingQuery extends FindingFilter {
  /** The `next` of a previous page. */
  cursor?: string;
  /** Findings per page, 1 to `FINDINGS_MAX_LIMIT` (default `FINDINGS_DEFAULT_LIMIT`). */
  limit?: number;
}

export interface FindingPage {
  /** Newest first: the finding stored last comes first. */
  findings: Finding[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

export const FINDINGS_DEFAULT_LIMIT = 100;
export const FINDINGS_MAX_LIMIT = 1000;

export interface ReconcileCounts {
  /** Seen for the first time (or seen again after being fixed). */
  new: number;
  /** Seen in this scan and still open. */
  open: number;
  /** Open before, not seen in this scan: now fixed. */
  fixed: number;
}

export interface Reconciled extends ReconcileCounts {
  /** What deserves attention now: the new findings, and open ones that score higher than before. */
  raised: Finding[];
}

export interface ReconcileOptions {
  /** The time of the scan (default: now). */
  now?: string;
  /**
   * Reconciles one subject of the scope only (one resource re-evaluated after a change):
   * the scope's open findings about other subjects are left as they are.
   */
  subject?: string;
}

/**
 * Where findings live between scans, in SQLite or PostgreSQL. A scan reports everything it
 * sees in one scope (a repository, an account); what the scope had open and the scan no
 * longer sees is fixed.
 */
export interface FindingStore {
  readonly kind: 'sqlite' | 'postgres';
  reconcile(scope: string, findings: Finding[], options?: ReconcileOptions): Promise<Reconciled>;
  /**
   * One page of the findings that match, newest first: in the reverse of the order they were
   * first stored, which a re-scan, a status change or a reopen does not change. Following `next`
   * gives each finding that matches throughout exactly once. Findings stored meanwhile are newer
   * than the first page, so they come on the next walk (on PostgreSQL, sequence order is not commit
   * order: one from a scan that was still committing can turn up on a later page, still only once).
   */
  query(query?: FindingQuery): Promise<FindingPage>;
  /** Every finding that matches, in the order of `query` (for callers in the process; the API pages). */
  list(filter?: FindingFilter): Promise<Finding[]>;
  /** Marks a finding accepted (a known false positive or a risk taken), so it stays quiet. */
  setStatus(fingerprint: string, status: FindingStatus): Promise<boolean>;
  close(): Promise<void>;
}

/** Rows per statement: 8 parameters each stays far below both databases' limits. */
const CHUNK = 500;

interface Row {
  seq: number | string;
  fingerprint: string;
  status: FindingStatus;
  first_seen: string;
  last_seen: string;
  body: string;
}

function rowToFinding(row: Row): Finding {
  const finding = JSON.parse(row.body) as Finding;
  return { ...finding, status: row.status, firstSeen: row.first_seen, lastSeen: row.last_seen };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const ROW_COLUMNS = 'seq, fingerprint, status, first_seen, last_seen, body';

function encodeCursor(seq: number | string): string {
  return Buffer.from(`f:${seq}`).toString('base64url');
}

/** The `seq` a cursor continues after; a cursor this store did not give is the caller's error. */
function decodeCursor(cursor: string): number {
  const m = /^f:([1-9]\d{0,14})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m || encodeCursor(m[1]!) !== cursor) throw new UserError(`cursor: not a cursor this server gave: ${JSON.stringify(cursor)}`);
  return Number(m[1]);
}

/** A page size, given as a number or as a query string's text: a whole number from 1 to FINDINGS_MAX_LIMIT. */
export function findingsLimit(value: number | string): number {
  const limit = typeof value === 'number' ? value : /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > FINDINGS_MAX_LIMIT) {
    throw new UserError(`limit: a whole number from 1 to ${FINDINGS_MAX_LIMIT}, not ${JSON.stringify(value)}`);
  }
  return limit;
}

/** The WHERE clause of a filter, and of a cursor: findings stored before the one it names. */
function where(filter: FindingFilter, before?: number): [string, unknown[]] {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const column of ['kind', 'status', 'scope'] as const) {
    if (filter[column] === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(filter[column]);
  }
  if (before !== undefined) {
    clauses.push('seq < ?');
    params.push(before);
  }
  return [clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params];
}

const marks = (n: number, each = '?') => Array.from({ length: n }, () => each).join(', ');

async function rowsByFingerprint(tx: SqlStatements, fingerprints: string[]): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  for (const part of chunks(fingerprints)) {
    const found = await tx.query<Row>(`SELECT ${ROW_COLUMNS} FROM findings WHERE fingerprint IN (${marks(part.length)})`, part);
    for (const row of found) rows.set(row.fingerprint, row);
  }
  return rows;
}

async function reconcileIn(tx: SqlStatements, scope: string, findings: Finding[], { now = new Date().toISOString(), subject }: ReconcileOptions): Promise<Reconciled> {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.fingerprint)) seen.set(f.fingerprint, f);
  const previous = await rowsByFingerprint(tx, [...seen.keys()]);
  const result: Reconciled = { new: 0, open: 0, fixed: 0, raised: [] };
  const rows: unknown[][] = [];
  for (const f of seen.values()) {
    const before = previous.get(f.fingerprint);
    const reopened = !before || before.status === 'fixed';
    const status: FindingStatus = before?.status === 'accepted' ? 'accepted' : 'open';
    const firstSeen = reopened ? now : before!.first_seen;
    if (reopened) result.new++;
    if (status === 'open') result.open++;
    const stored = { ...f, status, firstSeen, lastSeen: now };
    if (reopened || (status === 'open' && f.score > (JSON.parse(before!.body) as Finding).score)) result.raised.push(stored);
    rows.push([f.fingerprint, scope, f.kind, status, firstSeen, now, f.subject ?? null, JSON.stringify(f)]);
  }
  // Stored last to first, so a scan's new findings are listed (newest first) in the order it reported them.
  for (const part of chunks(rows.reverse())) {
    await tx.run(
      `INSERT INTO findings (fingerprint, scope, kind, status, first_seen, last_seen, subject, body) VALUES ${marks(part.length, '(?, ?, ?, ?, ?, ?, ?, ?)')}
       ON CONFLICT (fingerprint) DO UPDATE SET scope = excluded.scope, kind = excluded.kind, status = excluded.status,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen, subject = excluded.subject, body = excluded.body`,
      part.flat(),
    );
  }
  const open = await tx.query<{ fingerprint: string }>(
    `SELECT fingerprint FROM findings WHERE scope = ? AND status = 'open'${subject === undefined ? '' : ' AND subject = ?'}`,
    subject === undefined ? [scope] : [scope, subject],
  );
  const gone = open.map((row) => row.fingerprint).filter((fp) => !seen.has(fp));
  for (const part of chunks(gone)) {
    await tx.run(`UPDATE findings SET status = 'fixed', last_seen = ? WHERE fingerprint IN (${marks(part.length)})`, [now, ...part]);
  }
  result.fixed = gone.length;
  return result;
}

class SqlFindingStore implements FindingStore {
  constructor(private readonly db: SqlDb) {}

  get kind() {
    return this.db.dialect;
  }

  reconcile(scope: string, findings: Finding[], options: ReconcileOptions = {}): Promise<Reconciled> {
    return this.db.transaction((tx) => reconcileIn(tx, scope, findings, options));
  }

  async query(query: FindingQuery = {}): Promise<FindingPage> {
    const limit = findingsLimit(query.limit ?? FINDINGS_DEFAULT_LIMIT);
    const [clause, params] = where(query, query.cursor === undefined ? undefined : decodeCursor(query.cursor));
    const rows = await this.db.query<Row>(`SELECT ${ROW_COLUMNS} FROM findings ${clause} ORDER BY seq DESC LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit);
    const findings = page.map(rowToFinding);
    return rows.length > limit ? { findings, next: encodeCursor(page[page.length - 1]!.seq) } : { findings };
  }

  async list(filter: FindingFilter = {}): Promise<Finding[]> {
    const [clause, params] = where(filter);
    return (await this.db.query<Row>(`SELECT ${ROW_COLUMNS} FROM findings ${clause} ORDER BY seq DESC`, params)).map(rowToFinding);
  }

  async setStatus(fingerprint: string, status: FindingStatus): Promise<boolean> {
    return (await this.db.run('UPDATE findings SET status = ? WHERE fingerprint = ?', [status, fingerprint])) > 0;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Opens the findings store named by a path (SQLite, `:memory:` too) or a `postgres://` URL, migrating it. */
export async function openFindingStore(pathOrUrl: string): Promise<FindingStore> {
  return new SqlFindingStore(await openStoreDb(pathOrUrl));
}

/** Records one complete scan of `scope` in the store at `pathOrUrl` (opened and closed for it). */
export async function storeFindings(pathOrUrl: string, scope: string, findings: Finding[], options: ReconcileOptions = {}): Promise<Reconciled> {
  const store = await openFindingStore(pathOrUrl);
  try {
    return await store.reconcile(scope, findings, options);
  } finally {
    await store.close();
  }
}
