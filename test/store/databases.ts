import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const POSTGRES_SERVER = 'postgres://postgres@127.0.0.1:5432';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `these tests need the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust auth); ` +
        `connecting failed: ${(err as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh PostgreSQL database for one test; returns its URL and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vigil_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: `${POSTGRES_SERVER}/${name}`,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** A SQLite file in a fresh temporary directory. */
export function createSqliteFile(): { path: string; drop: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alerts-'));
  return { path: join(dir, 'vigil.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Both kinds of store location, for tests that must pass against each. */
export const DATABASES: Array<{ kind: string; create: () => Promise<{ location: string; drop: () => Promise<void> }> }> = [
  {
    kind: 'sqlite',
    create: async () => {
      const { path, drop } = createSqliteFile();
      return { location: path, drop };
    },
  },
  {
    kind: 'postgres',
    create: async () => {
      const { url, drop } = await createPostgresDatabase();
      return { location: url, drop };
    },
  },
];
