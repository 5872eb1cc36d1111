import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { loadSnapshot, type CloudTrailEvent } from '../../src/posture/index.js';
import type { Finding } from '../../src/records/index.js';
import { runService, type Service } from '../../src/server/index.js';
import { openAlertStore, openFindingStore, type StoredAlert } from '../../src/store/index.js';
import { get, post } from '../server/fixture.js';
import { createPostgresDatabase } from '../store/databases.js';
import { cloudTrailCall, cloudtrailDir, fixture, PUBLIC_READ_ACL, startServe, tempDir, vigil } from './helpers.js';

/** A CloudTrail record as S3 writes it, made by hand (the dataset has no PutBucketAcl). */
const s3Call = (eventName: string, requestParameters: Record<string, unknown>, extra: Partial<CloudTrailEvent> = {}) =>
  cloudTrailCall(eventName, 's3.amazonaws.com', requestParameters, extra);

const PUBLIC_READ = PUBLIC_READ_ACL;

/** Starts the real service from a vigil.yaml (drift keys included) on a loopback port of its own. */
async function serve(dir: string, yaml: string, store = join(dir, 'vigil.db')): Promise<{ service: Service; lines: string[] }> {
  writeFileSync(join(dir, 'vigil.yaml'), yaml);
  const env = { VIGIL_SERVER_PORT: '0', VIGIL_STORE_LOCATION: store, VIGIL_DEAD_LETTER: join(dir, 'dead.jsonl'), VIGIL_REPLAY: '' };
  const config = loadConfig({ file: join(dir, 'vigil.yaml'), env, outputs: [`file,path=${join(dir, 'alerts.jsonl')}`] });
  const lines: string[] = [];
  return { service: await runService(config, (l) => lines.push(l)), lines };
}

const ingest = (service: Service, records: CloudTrailEvent[]) => post(`${service.url}/ingest/aws_cloudtrail`, { Records: records });
const findings = async (service: Service, query: string) => ((await get(`${service.url}/api/findings?${query}`)).body as { findings: Finding[] }).findings;
const alerts = async (service: Service, query: string) => ((await get(`${service.url}/api/alerts?${query}`)).body as { alerts: StoredAlert[] }).alerts;
const summary = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.details!.resourceKey}`).sort();

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: a bucket made public by hand is drift at once: finding, alert naming who/when/where/how, fixed when put right, snapshot written back`, async (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    let store = join(dir, 'vigil.db');
    if (backend === 'postgres') {
      const db = await createPostgresDatabase();
      t.after(db.drop);
      store = db.url;
    }
    const snapshot = join(dir, 'actual.json');
    copyFileSync(fixture('actual-clean.json'), snapshot);
    const yaml = `drift:\n  expected:\n    - ${fixture('expected')}\n  snapshot: ${snapshot}\n  save_interval: 0\n`;
    const { service, lines } = await serve(dir, yaml, store);
    let closed = false;
    t.after(() => (closed ? undefined : service.close()));
    assert.ok(lines.some((l) => /drift: following CloudTrail .*0 open drift findings/.test(l)), lines.join('\n'));

    // The account's block, the bucket's block, then the ACL: each a drift of its own, each alerted once.
    // (The default rules see these events too; drift's own alerts carry the tag drift.)
    const driftAlerts = async () => (await alerts(service, 'tag=drift')).length;
    const unblock = await ingest(service, [
      s3Call('DeletePublicAccessBlock', { accountId: '111122223333' }),
      s3Call('DeleteBucketPublicAccessBlock', { bucketName: 'acme-data', publicAccessBlock: '' }),
    ]);
    assert.equal(unblock.status, 200);
    assert.equal(await driftAlerts(), 2);
    const acl = await ingest(service, [s3Call('PutBucketAcl', { bucketName: 'acme-data', 'x-amz-acl': ['private'] }, { errorCode: 'AccessDenied' }), s3Call('PutBucketAcl', PUBLIC_READ)]);
    assert.deepEqual(acl.body.events, 2);
    assert.equal(await driftAlerts(), 3, 'the failed call changes nothing; the public ACL is one new drift');

    const open = await findings(service, 'kind=drift&status=open');
    assert.deepEqual(summary(open), [
      'drift/bucket-public s3.bucket:acme-data',
      'drift/public-access-block-weakened account:111122223333',
      'drift/public-access-block-weakened s3.bucket:acme-data',
    ]);
    const pub = open.find((f) => f.rule === 'drift/bucket-public')!;
    assert.equal(pub.score, 9);
    assert.deepEqual(pub.details!.cloudtrail, {
      who: 'arn:aws:iam::111122223333:user/mallory',
      identityType: 'IAMUser',
      accessKeyId: 'AKIAMALLORY0EXAMPLE',
      when: '2026-11-25T09:30:00Z',
      sourceIp: '198.51.100.23',
      region: 'eu-west-1',
      eventName: 'PutBucketAcl',
      eventSource: 's3.amazonaws.com',
      eventId: s3Call('PutBucketAcl', PUBLIC_READ).eventID,
      userAgent: '[aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0]',
    });

    const [alert] = await alerts(service, `rule=${encodeURIComponent('Drift: bucket became public')}`);
    assert.ok(alert, 'the drift alert is stored through the normal outputs');
    assert.equal(alert.alert.priority, 'Critical');
    assert.equal(alert.alert.source, 'aws_cloudtrail');
    assert.match(alert.alert.output, /acme-data .*\(PutBucketAcl by arn:aws:iam::111122223333:user\/mallory at 2026-11-25T09:30:00Z from 198\.51\.100\.23 in eu-west-1\) \[score 9\]$/);
    assert.equal(alert.alert.output_fields['ct.useragent'], '[aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0]');
    assert.equal(alert.alert.output_fields['drift.fingerprint'], pub.fingerprint);
    assert.equal((alert.alert.vigil!.event as CloudTrailEvent).eventName, 'PutBucketAcl');
    const weakened = await alerts(service, `rule=${encodeURIComponent('Drift: account public access block weakened')}`);
    assert.equal(weakened[0]!.alert.priority, 'Error');
    const fileAlerts = readFileSync(join(dir, 'alerts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rule: string });
    assert.deepEqual(fileAlerts.map((a) => a.rule).filter((r) => r.startsWith('Drift:')).sort(), [
      'Drift: account public access block weakened',
      'Drift: bucket became public',
      'Drift: public access block weakened',
    ]);

    // Seen again: no second alert. Put right with a canned ACL: fixed, the other drift of the bucket stays open.
    assert.equal((await ingest(service, [s3Call('PutBucketAcl', PUBLIC_READ)])).status, 200);
    assert.equal((await ingest(service, [s3Call('PutBucketAcl', { bucketName: 'acme-data', 'x-amz-acl': ['private'] })])).status, 200);
    assert.equal(await driftAlerts(), 3);
    assert.deepEqual(summary(await findings(service, 'kind=drift&status=fixed')), ['drift/bucket-public s3.bucket:acme-data']);
    assert.deepEqual(summary(await findings(service, 'status=open')), ['drift/public-access-block-weakened account:111122223333', 'drift/public-access-block-weakened s3.bucket:acme-data']);
    assert.equal((await get(`${service.url}/api/findings?kind=nonsense`)).status, 400);
    assert.equal((await get(`${service.url}/api/findings?colour=red`)).status, 400);
    assert.deepEqual((await get(`${service.url}/healthz`)).body.drift, { events: 6, changes: 5, unreadable: 0, alerts: 3, refreshes: 0, refreshFailed: 0 });

    // Shutdown writes the snapshot back; the next start finds the same drift and adds nothing.
    await service.close();
    closed = true;
    const saved = loadSnapshot(snapshot).resources.find((r) => r.id === 'acme-data')!;
    assert.equal(saved.attributes.publicAccessBlock, null);
    const again = await serve(dir, yaml, store);
    t.after(() => again.service.close());
    assert.ok(again.lines.some((l) => /2 open drift findings .*\(new 0, fixed 0\)/.test(l)), again.lines.join('\n'));
  });
}

test('the Stratus Red Team run, posted as CloudTrail logs: each drift is found by the event that made it, and its clean-up fixes it', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const snapshot = join(dir, 'before.json');
  copyFileSync(fixture('stratus', 'before.json'), snapshot);
  const { service } = await serve(dir, `drift:\n  expected: [${fixture('stratus', 'expected.tfstate')}]\n  snapshot: ${snapshot}\n  save_interval: 20ms\n`);
  t.after(() => service.close());

  const records = readdirSync(cloudtrailDir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(join(cloudtrailDir, f), 'utf8')) as { Records: CloudTrailEvent[] }).Records)
    .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  let raised = 0;
  for (let i = 0; i < records.length; i += 500) {
    const r = await ingest(service, records.slice(i, i + 500));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    raised += r.body.alerts;
  }
  const all = await findings(service, 'kind=drift');
  const status = (key: string) => all.filter((f) => `${f.rule} ${f.details!.resourceKey}` === key).map((f) => f.status);
  assert.deepEqual(status('drift/unexpected-resource iam.user:malicious-iam-user'), ['fixed'], 'created, then deleted by the clean-up');
  assert.deepEqual(status('drift/unexpected-resource iam.access_key:AKIATFQR7NSCQLA2F4OD'), ['fixed']);
  assert.deepEqual(status('drift/trust-widened iam.role:stratus-red-team-backdoor-r-role'), ['fixed'], 'reverted by the run');

  const userAlerts = await alerts(service, `rule=${encodeURIComponent('Drift: unknown user')}&limit=1000`);
  const malicious = userAlerts.filter((a) => a.alert.output_fields['drift.resource_key'] === 'iam.user:malicious-iam-user');
  // new (score 7), then worse once AdministratorAccess is attached (score 9)
  assert.deepEqual(malicious.map((a) => [a.alert.priority, a.alert.output_fields['ct.name']]).reverse(), [['Error', 'CreateUser'], ['Critical', 'AttachUserPolicy']]);
  assert.equal(malicious[1]!.alert.output_fields['ct.user'], 'arn:aws:iam::123837392027:user/bert-jan');
  assert.equal(malicious[1]!.alert.output_fields['ct.srcip'], '192.168.10.20');
  // written back while the service runs, not only at shutdown
  const ids = (resources: Array<{ type: string; id: string }>) => resources.map((r) => `${r.type}:${r.id}`).sort().join(' ');
  const live = ids(service.drift!.snapshot.resources);
  assert.notEqual(live, ids(loadSnapshot(fixture('stratus', 'before.json')).resources));
  for (let tries = 0; ids(loadSnapshot(snapshot).resources) !== live; tries++) {
    assert.ok(tries < 500, 'the snapshot is written back within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const driftAlerts = (await alerts(service, 'tag=drift&limit=1000')).length;
  assert.equal(driftAlerts, raised - (await alerts(service, 'limit=1000')).filter((a) => !a.alert.tags.includes('drift')).length);
  assert.ok(driftAlerts >= 6, `${driftAlerts} drift alerts`);
});

test('drift settings are checked like the rest: one without the other, and a malformed snapshot, are one-line errors naming their place', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'vigil.yaml'), `server:\n  port: 0\ndrift:\n  expected: [${fixture('expected')}]\n`);
  const half = await vigil(['serve', '--config', join(dir, 'vigil.yaml')], dir);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /vigil\.yaml:4:3: drift\.expected is set but drift\.snapshot is not/);
  assert.doesNotMatch(half.stderr, /\n\s+at /);

  writeFileSync(join(dir, 'bad.json'), '{"schema": "vigil.inventory/1", "provider": "aws",\n  "resources": 7}');
  const bad = await vigil(['serve', '--config', join(dir, 'vigil.yaml'), '--drift-snapshot', join(dir, 'bad.json'), '--store', join(dir, 'v.db')], dir);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr.trim().split('\n').pop()!, /^vigil: .*bad\.json:1:1: snapshot is missing "account"$/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('the vigil serve command: flags for drift, a public ACL posted, SIGTERM writes the snapshot back and keeps everything', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const snapshot = join(dir, 'actual.json');
  copyFileSync(fixture('actual-clean.json'), snapshot);
  const store = join(dir, 'vigil.db');
  const args = ['--port', '0', '--store', store, '--drift-expected', fixture('expected'), '--drift-snapshot', snapshot, '--dead-letter', join(dir, 'dead.jsonl')];
  const serve = await startServe(t, args, dir, { VIGIL_REPLAY: '' });
  const { url } = serve;
  const records = [
    s3Call('DeletePublicAccessBlock', { accountId: '111122223333' }),
    s3Call('DeleteBucketPublicAccessBlock', { bucketName: 'acme-data', publicAccessBlock: '' }),
    s3Call('PutBucketAcl', PUBLIC_READ),
  ];
  const r = await post(`${url}/ingest/aws_cloudtrail`, { Records: records });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(await serve.stop(), 0, serve.said());

  const saved = loadSnapshot(snapshot).resources.find((x) => x.id === 'acme-data')!;
  assert.ok((saved.attributes.acl as Array<{ grantee: string }>).some((g) => g.grantee === 'AllUsers'), JSON.stringify(saved.attributes.acl));
  const findingStore = await openFindingStore(store);
  t.after(() => findingStore.close());
  assert.deepEqual(summary(await findingStore.list({ kind: 'drift', status: 'open' })), [
    'drift/bucket-public s3.bucket:acme-data',
    'drift/public-access-block-weakened account:111122223333',
    'drift/public-access-block-weakened s3.bucket:acme-data',
  ]);
  const alertStore = await openAlertStore(store);
  t.after(() => alertStore.close());
  assert.equal((await alertStore.query({ tag: 'drift' })).alerts.length, 3);
});
