import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, parseSnapshot, importGcpAssets, snapshotJson, type Snapshot } from '../../src/posture/index.js';
import { UserError } from '../../src/util/errors.js';
import { fixture, tempDir, vigil } from './helpers.js';

const good = readFileSync(fixture('actual-drifted.json'), 'utf8');

function rejects(text: string, expected: RegExp): void {
  assert.throws(() => parseSnapshot(text, 'snap.json'), (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.match(err.message, expected);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

test('a valid snapshot loads with its resources', () => {
  const s = loadSnapshot(fixture('actual-drifted.json'));
  assert.equal(s.account, '111122223333');
  assert.equal(s.resources.filter((r) => r.type === 'iam.user').length, 3);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** The fixture with one change, pretty-printed; the error must name the line holding `marker`. */
function rejectsChanged(change: (s: Loose) => void, expected: RegExp, marker?: string): void {
  const value = JSON.parse(good) as Loose;
  change(value);
  const text = JSON.stringify(value, null, 2);
  assert.throws(() => parseSnapshot(text, 'snap.json'), (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.match(err.message, expected);
    if (marker) {
      const line = Number(/^snap\.json:(\d+):/.exec(err.message)?.[1]);
      assert.ok(text.split('\n')[line - 1]!.includes(marker), `line ${line} should hold ${marker}: ${err.message}`);
    }
    return true;
  });
}

test('malformed snapshots are rejected with file:line:column and the field', () => {
  rejects('{"schema": "vigil.inventory/1",\n  "provider": }', /^snap\.json:2:15: inventory snapshot is not valid JSON \(ValueExpected\)$/);
  rejects('{"schema": "vigil.inventory/1"}', /^snap\.json:1:1: snapshot is missing "provider"$/);
  rejectsChanged((s) => (s.provider = 'azure'), /^snap\.json:3:\d+: provider must be one of "aws", "gcp"$/, 'azure');
  rejectsChanged((s) => (s.resources[1].type = 'iam.usr'), /^snap\.json:\d+:\d+: resources\.1\.type must be one of "account"/, 'iam.usr');
  rejectsChanged((s) => (s.resources[1].attributes.consoleAccess = 'yes'), /^snap\.json:\d+:\d+: resources\.1\.attributes\.consoleAccess must be boolean$/, '"yes"');
  rejectsChanged((s) => (s.resources[4].attributes.status = 'Enabled'), /resources\.4\.attributes\.status must be one of "Active", "Inactive"$/, '"Enabled"');
  rejectsChanged((s) => (s.extra = 1), /^snap\.json:1:1: snapshot has unknown property "extra"$/);
  rejectsChanged((s) => (s.schema = 'vigil.inventory/9'), /^snap\.json:2:\d+: unsupported snapshot schema "vigil\.inventory\/9"/, 'inventory/9');
  rejectsChanged((s) => (s.resources[2].id = 'alice'), /duplicate resource iam\.user:alice \(first at resources\[1\]\)/, '"alice"');
  rejectsChanged((s) => (s.resources[14].attributes.ingress[0].fromPort = 70000), /ingress\.0\.fromPort must be <= 65535/, '70000');
});

test('snapshots round-trip in a stable, diffable order', () => {
  const s = loadSnapshot(fixture('actual-drifted.json'));
  const shuffled: Snapshot = { ...s, resources: [...s.resources].reverse() };
  assert.equal(snapshotJson(shuffled), snapshotJson(s));
  assert.deepEqual(parseSnapshot(snapshotJson(s)), JSON.parse(snapshotJson(s)));
});

test('GCP Cloud Asset Inventory exports import into the model', () => {
  const s = importGcpAssets(fixture('gcp-assets.jsonl'), { now: new Date('2026-11-20T00:00:00Z') });
  assert.equal(s.provider, 'gcp');
  assert.equal(s.account, 'acme-prod');
  const byKey = new Map(s.resources.map((r) => [`${r.type}:${r.id}`, r]));
  assert.deepEqual(byKey.get('gcp.bucket:acme-public-assets')!.attributes.bindings, [
    { role: 'roles/storage.objectViewer', members: ['allUsers'] },
  ]);
  assert.equal(byKey.get('gcp.bucket:acme-public-assets')!.attributes.versioning, false);
  assert.equal(byKey.get('gcp.bucket:acme-backups')!.region, 'europe-west1');
  assert.deepEqual(byKey.get('gcp.firewall:allow-ssh')!.attributes.allowed, [{ protocol: 'tcp', ports: ['22'] }]);
  assert.equal(byKey.get('gcp.service_account_key:3f2b9c1d0e')!.attributes.serviceAccount, 'deployer@acme-prod.iam.gserviceaccount.com');
  assert.ok(byKey.has('gcp.iam_policy:projects/acme-prod'));
  assert.equal(s.resources.length, 6, 'unmapped asset types (instances) are skipped');
  // what the importer writes is a valid snapshot
  parseSnapshot(snapshotJson(s));
});

test('a broken line of an asset export is named by its line', () => {
  const dir = tempDir();
  const file = join(dir, 'assets.jsonl');
  const lines = readFileSync(fixture('gcp-assets.jsonl'), 'utf8').split('\n');
  lines[3] = lines[3]!.slice(0, 40);
  writeFileSync(file, lines.join('\n'));
  assert.throws(() => importGcpAssets(file), /assets\.jsonl:4:\d+: asset export line is not valid JSON/);
});

test('vigil inventory import: own snapshots and GCP exports; bad input is one line, exit 2', async () => {
  const dir = tempDir();
  const out = join(dir, 'gcp.json');
  const r = await vigil(['inventory', 'import', fixture('gcp-assets.jsonl'), '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(loadSnapshot(out).provider, 'gcp');
  const own = await vigil(['inventory', 'import', fixture('actual-drifted.json')]);
  assert.equal(own.code, 0, own.stderr);
  assert.equal(JSON.parse(own.stdout).resources.length, loadSnapshot(fixture('actual-drifted.json')).resources.length);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"schema": "vigil.inventory/1", "provider": "aws"}');
  const failed = await vigil(['inventory', 'import', bad]);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /^vigil: .*bad\.json:1:1: snapshot is missing "account"\n$/);
});
