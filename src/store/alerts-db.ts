import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * The little the alert store needs of a SQL database, so its queries are written once for
 * SQLite and PostgreSQL. Statements use `?` placeholders; the PostgreSQL side numbers them.
 */
export interface SqlDb {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs one statement and returns its rows (none for statements that return none). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one statement that returns no rows; returns how many rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

const STATEMENT_CACHE = 256;

export function openSqliteDb(path: string): SqlDb {
  const db = new Database(path);
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
  return {
    dialect: 'sqlite',
    async query<T>(sql: string, params: unknown[] = []) {
      const stmt = prepare(sql);
      return stmt.all(...params) as T[];
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
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
  const pool = new pg.Pool({ connectionString: url, max: 4 });
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
