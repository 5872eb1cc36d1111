import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type pg from 'pg';

// The drivers load when a store is opened, not when vigil starts: most commands never open
// one, and pg alone takes a tenth of a second to load. Both are CommonJS, so require is
// synchronous, as opening a store is.
const require = createRequire(import.meta.url);
const sqlite = () => require('better-sqlite3') as typeof Database;
const postgres = () => require('pg') as typeof pg;

/**
 * The little the alert store needs of a SQL database, so its queries are written once for
 * SQLite and PostgreSQL. Statements use `?` placeholders; the PostgreSQL side numbers them.
 */
export interface SqlStatements {
  /** Runs one statement and returns its rows (none for statements that return none). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one statement that returns no rows; returns how many rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

export interface SqlDb extends SqlStatements {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Statements outside it wait until it is over (SQLite has one connection).
   */
  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

const STATEMENT_CACHE = 256;

export function openSqliteDb(path: string): SqlDb {
  const db = new (sqlite())(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= STATEMENT_CACHE) statements.clear();
      statements.set(sql, (stmt = db.prepare(sql)));
    }
    return stmt;
  };
  const direct: SqlStatements = {
    async query<T>(sql: string, params: unknown[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
  };
  // The one connection is shared: while a transaction is open, everything else waits for it.
  let idle: Promise<unknown> = Promise.resolve();
  return {
    dialect: 'sqlite',
    async query<T>(sql: string, params: unknown[] = []) {
      await idle;
      return direct.query<T>(sql, params);
    },
    async run(sql, params = []) {
      await idle;
      return direct.run(sql, params);
    },
    transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
      const done = idle.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      });
      idle = done.catch(() => {});
      return done;
    },
    async exec(script) {
      try {
        db.exec(script);
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    async close() {
      db.close();
    },
  };
}

/** `?` → `$1, $2, …` (vigil's statements never contain a literal question mark). */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function openPostgresDb(url: string): SqlDb {
  const pool = new (postgres()).Pool({ connectionString: url, max: 4 });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => {});
  const texts = new Map<string, string>();
  const numbered = (sql: string) => {
    let text = texts.get(sql);
    if (text === undefined) {
      if (texts.size >= STATEMENT_CACHE) texts.clear();
      texts.set(sql, (text = numberPlaceholders(sql)));
    }
    return text;
  };
  return {
    dialect: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(numbered(sql), params)).rows as T[];
    },
    async run(sql, params = []) {
      return (await pool.query(numbered(sql), params)).rowCount ?? 0;
    },
    async transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: SqlStatements = {
        async query<R>(sql: string, params: unknown[] = []) {
          return (await client.query(numbered(sql), params)).rows as R[];
        },
        async run(sql, params = []) {
          return (await client.query(numbered(sql), params)).rowCount ?? 0;
        },
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(script) {
      const client = await pool.connect();
      try {
        await client.query(script);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
