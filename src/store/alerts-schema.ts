import type { SqlDb } from './alerts-db.js';

/**
 * The alert store's schema, one migration per version, the same for SQLite and PostgreSQL
 * except for the auto-increment id. A migration is applied once, in one transaction, and
 * recorded in `vigil_migrations`.
 */
const MIGRATIONS: Array<(id: string) => string> = [
  (id) => `
    CREATE TABLE alerts (
      id ${id},
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
];

const ID_COLUMN = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};

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
      ${migration(ID_COLUMN[db.dialect])}
      INSERT INTO vigil_migrations (version, applied_ms) VALUES (${version}, ${Date.now()});
      COMMIT;`);
    applied.push(version);
  }
  return applied;
}

export const SCHEMA_VERSION = MIGRATIONS.length;
