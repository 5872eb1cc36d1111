import Database from 'better-sqlite3';
import type { Finding, FindingKind, FindingStatus } from '../records/index.js';

export interface FindingFilter {
  kind?: FindingKind;
  status?: FindingStatus;
  scope?: string;
}

export interface ReconcileCounts {
  /** Seen for the first time (or seen again after being fixed). */
  new: number;
  /** Seen in this scan and still open. */
  open: number;
  /** Open before, not seen in this scan: now fixed. */
  fixed: number;
}

/**
 * Where findings live between scans. A scan reports everything it sees in one scope (a
 * repository, an account); what the scope had open and the scan no longer sees is fixed.
 */
export interface FindingStore {
  reconcile(scope: string, findings: Finding[], now?: string): ReconcileCounts;
  list(filter?: FindingFilter): Finding[];
  /** Marks a finding accepted (a known false positive or a risk taken), so it stays quiet. */
  setStatus(fingerprint: string, status: FindingStatus): boolean;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS findings (
  fingerprint TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_scope ON findings (scope, status);
`;

interface Row {
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

/** Opens (creating if needed) a SQLite findings store at `path` (`:memory:` works too). */
export function openSqliteFindingStore(path: string): FindingStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);

  const get = db.prepare<[string], Row>('SELECT * FROM findings WHERE fingerprint = ?');
  const upsert = db.prepare(
    `INSERT INTO findings (fingerprint, scope, kind, status, first_seen, last_seen, body)
     VALUES (@fingerprint, @scope, @kind, @status, @first_seen, @last_seen, @body)
     ON CONFLICT (fingerprint) DO UPDATE SET scope = @scope, status = @status,
       last_seen = @last_seen, body = @body`,
  );
  const openInScope = db.prepare<[string], { fingerprint: string }>(
    "SELECT fingerprint FROM findings WHERE scope = ? AND status = 'open'",
  );
  const markFixed = db.prepare("UPDATE findings SET status = 'fixed', last_seen = ? WHERE fingerprint = ?");

  const reconcile = db.transaction((scope: string, findings: Finding[], now: string): ReconcileCounts => {
    const counts: ReconcileCounts = { new: 0, open: 0, fixed: 0 };
    const seen = new Set<string>();
    for (const f of findings) {
      if (seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      const previous = get.get(f.fingerprint);
      const reopened = !previous || previous.status === 'fixed';
      const status: FindingStatus = previous?.status === 'accepted' ? 'accepted' : 'open';
      if (reopened) counts.new++;
      if (status === 'open') counts.open++;
      upsert.run({
        fingerprint: f.fingerprint,
        scope,
        kind: f.kind,
        status,
        first_seen: reopened ? now : previous!.first_seen,
        last_seen: now,
        body: JSON.stringify(f),
      });
    }
    for (const { fingerprint } of openInScope.all(scope)) {
      if (seen.has(fingerprint)) continue;
      markFixed.run(now, fingerprint);
      counts.fixed++;
    }
    return counts;
  });

  return {
    reconcile: (scope, findings, now = new Date().toISOString()) => reconcile(scope, findings, now),
    list(filter = {}) {
      const where: string[] = [];
      const params: string[] = [];
      for (const [column, value] of [['kind', filter.kind], ['status', filter.status], ['scope', filter.scope]]) {
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      const sql = `SELECT * FROM findings ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY first_seen, fingerprint`;
      return db.prepare<string[], Row>(sql).all(...params).map(rowToFinding);
    },
    setStatus(fingerprint, status) {
      return db.prepare('UPDATE findings SET status = ? WHERE fingerprint = ?').run(status, fingerprint).changes > 0;
    },
    close: () => db.close(),
  };
}
