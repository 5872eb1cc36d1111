import type { SqlDb } from './alerts-db.js';

const ID_COLUMN = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};

/** How a new finding gets the next `seq`: a sequence as the column default, or (SQLite) a trigger under the write lock. */
const FINDINGS_SEQ = {
  sqlite: `
    CREATE TRIGGER findings_seq AFTER INSERT ON findings FOR EACH ROW WHEN NEW.seq IS NULL BEGIN
      UPDATE findings SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM findings) WHERE fingerprint = NEW.fingerprint;
    END;`,
  postgres: `
    CREATE SEQUENCE findings_seq_next OWNED BY findings.seq;
    SELECT setval('findings_seq_next', (SELECT COALESCE(MAX(seq), 0) + 1 FROM findings), false);
    ALTER TABLE findings ALTER COLUMN seq SET DEFAULT nextval('findings_seq_next'), ALTER COLUMN seq SET NOT NULL;`,
};

/**
 * The store's schema (alerts, checkpoints, findings), one migration per version, the same for SQLite and PostgreSQL
 * except for the auto-increment id and the findings' sequence. A migration is applied once, in one transaction, and
 * recorded in `vigil_migrations`.
 */
const MIGRATIONS: Array<(dialect: SqlDb['dialect']) => string> = [
  (dialect) => `
    CREATE TABLE alerts (
      id ${ID_COLUMN[dialect]},
      time TEXT NOT NULL,
      time_ms BIGINT NOT NULL,
      stored_ms BIGINT NOT NULL,
      rule TEXT NOT NULL,
      priority TEXT NOT NULL,
      severity INTEGER NOT NULL,
      source TEXT NOT NULL,
      tags TEXT NOT NULL,
      output TEXT NOT NULL,
      body TEXT NOT NULL
    );
    CREATE INDEX alerts_time ON alerts (time_ms);
    CREATE INDEX alerts_stored ON alerts (stored_ms);
    CREATE INDEX alerts_rule ON alerts (rule, id);
    CREATE INDEX alerts_source ON alerts (source, id);
    CREATE TABLE checkpoints (
      stream TEXT PRIMARY KEY,
      position TEXT NOT NULL,
      updated_ms BIGINT NOT NULL
    );`,
  // Findings (secrets, drift, posture, trust). IF NOT EXISTS: SQLite files written before
  // migrations covered findings already have this very table.
  () => `
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
    CREATE INDEX IF NOT EXISTS findings_kind ON findings (kind, status);`,
  // What a finding is about, so one subject's findings are reconciled on their own.
  () => `
    ALTER TABLE findings ADD COLUMN subject TEXT;
    CREATE INDEX findings_subject ON findings (scope, subject, status);`,
  // The order findings are listed and paged in: `seq`, given once when a finding is first stored
  // and never changed (not by a re-scan, a status change or a reopen), unique, newest highest.
  // Findings already stored are numbered oldest first (first seen, then fingerprint).
  (dialect) => `
    ALTER TABLE findings ADD COLUMN seq BIGINT;
    UPDATE findings SET seq = numbered.n
      FROM (SELECT fingerprint, ROW_NUMBER() OVER (ORDER BY first_seen, fingerprint) AS n FROM findings) AS numbered
      WHERE findings.fingerprint = numbered.fingerprint;
    CREATE UNIQUE INDEX findings_seq ON findings (seq);
    ${FINDINGS_SEQ[dialect]}`,
];

/** Brings the database up to the newest schema; returns the versions it applied. */
export async function migrate(db: SqlDb): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS vigil_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)');
  const rows = await db.query<{ version: number | string }>('SELECT version FROM vigil_migrations');
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const [index, migration] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (done.has(version)) continue;
    await db.exec(`BEGIN;
      ${migration(db.dialect)}
      INSERT INTO vigil_migrations (version, applied_ms) VALUES (${version}, ${Date.now()});
      COMMIT;`);
    applied.push(version);
  }
  return applied;
}

export const SCHEMA_VERSION = MIGRATIONS.length;
