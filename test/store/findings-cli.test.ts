import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFindingStore } from '../../src/store/index.js';
import { fixture, tempDir, vigil } from '../posture/helpers.js';
import { createPostgresDatabase } from './databases.js';
import { SLACK } from '../secrets/helpers.js';

test('vigil drift, posture and secrets scan keep their findings in PostgreSQL with --store postgres://', async (t) => {
  const { url, drop } = await createPostgresDatabase();
  t.after(drop);
  const drift = ['drift', '--expected', fixture('expected'), '--store', url, '--actual'];
  const first = await vigil([...drift, fixture('actual-drifted.json')]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /drift: 13 findings \(new 13, fixed 0\) stored in postgres:\/\/postgres@127\.0\.0\.1:5432\//);
  const fixed = await vigil([...drift, fixture('actual-clean.json')]);
  assert.match(fixed.stderr, /drift: 0 findings \(new 0, fixed 13\)/);

  const posture = await vigil(['posture', '--actual', fixture('actual-drifted.json'), '--store', url]);
  assert.equal(posture.code, 0, posture.stderr);
  assert.match(posture.stderr, /posture: 16 findings \(new 16, fixed 0\)/);

  const dir = tempDir();
  writeFileSync(join(dir, 'app.env'), `SLACK_TOKEN=${SLACK}\n`);
  const secrets = await vigil(['secrets', 'scan', '--store', url, dir]);
  assert.match(secrets.stderr, /secrets: 1 findings \(new 1, fixed 0\) stored in postgres:/, secrets.stderr);

  const store = await openFindingStore(url);
  t.after(() => store.close());
  assert.equal(store.kind, 'postgres');
  assert.equal((await store.list({ kind: 'drift', status: 'fixed', scope: 'drift:aws:111122223333' })).length, 13);
  assert.equal((await store.list({ kind: 'posture', status: 'open' })).length, 16);
  const [secret] = await store.list({ kind: 'secret' });
  assert.match(secret!.resource, /app\.env$/);
  assert.equal(secret!.status, 'open');
});
