import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { connectAwsReader, EVENT_TABLE, LiveDrift, loadExpected, loadSnapshot, resourceKey, type CloudTrailEvent, type ResourceRef } from '../../src/posture/index.js';
import { RESOURCE_READERS } from '../../src/posture/collect/aws-resources.js';
import type { Alert, Finding } from '../../src/records/index.js';
import { openFindingStore, type StoredAlert } from '../../src/store/index.js';
import { get, post } from '../server/fixture.js';
import { startAwsServer, type AwsServer } from './aws-server.js';
import { cloudTrailCall, fixture, PUBLIC_READ_ACL, startServe, tempDir, vigilWithEnv } from './helpers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const recording = fixture('aws-recorded', 'refresh.json');
const reader = (server: AwsServer) =>
  connectAwsReader({ ...server.sdk, region: 'us-east-1', maxAttempts: 2 });

// The changes of the tests below, as CloudTrail records them.
const publicAcl = () => cloudTrailCall('PutBucketAcl', 's3.amazonaws.com', PUBLIC_READ_ACL);
const unblock = () => cloudTrailCall('DeleteBucketPublicAccessBlock', 's3.amazonaws.com', { bucketName: 'acme-data' });
const sshOpen = () =>
  cloudTrailCall(
    'AuthorizeSecurityGroupIngress',
    'ec2.amazonaws.com',
    { groupId: 'sg-0web0000000000001', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
    { awsRegion: 'us-east-1' },
  );
const attacker = () => cloudTrailCall('CreateUser', 'iam.amazonaws.com', { userName: 'attacker01' }, { awsRegion: 'us-east-1' });
const publicPolicy = () =>
  cloudTrailCall('PutBucketPolicy', 's3.amazonaws.com', {
    bucketName: 'acme-logs',
    bucketPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-logs/*' }] },
    policy: [''],
  });
const summary = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.details!.resourceKey}${f.details!.detail ? ` ${String(f.details!.detail)}` : ''}`).sort();

test('every kind of resource event-driven drift follows can be read again from the AWS API', () => {
  const followed = new Set(Object.values(EVENT_TABLE).map((e) => e.type));
  assert.deepEqual([...followed].filter((type) => !RESOURCE_READERS[type]), []);
});

test('one resource of each kind read again through the SDK: changed attributes picked up, deleted resources null, a refusal an error', async (t) => {
  const server = await startAwsServer(recording);
  t.after(() => server.close());
  const aws = await reader(server);
  t.after(() => aws.close());
  assert.equal(aws.account, '111122223333');
  const read = (type: ResourceRef['type'], id: string, region?: string) => aws.read({ type, id, region });
  const attributes = async (type: ResourceRef['type'], id: string, region?: string) => (await read(type, id, region))!.attributes;

  assert.deepEqual(await attributes('account', '111122223333'), {
    rootMfaEnabled: true,
    rootAccessKeysPresent: false,
    publicAccessBlock: null,
    passwordPolicy: { minimumLength: 14, reusePrevention: 24 },
  });
  assert.deepEqual(await read('iam.user', 'alice'), {
    type: 'iam.user',
    id: 'alice',
    arn: 'arn:aws:iam::111122223333:user/alice',
    attributes: {
      createdAt: '2025-01-10T09:00:00.000Z',
      attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      inlinePolicies: [],
      groups: ['admins'],
      consoleAccess: true,
      passwordLastUsed: '2026-11-25T08:00:00.000Z',
      mfaDevices: [],
    },
  });
  assert.deepEqual(await attributes('iam.access_key', 'AKIAUNKNOWN000000002'), { user: 'ci-deployer', status: 'Inactive', createdAt: '2026-11-19T23:12:00.000Z', lastUsed: '2026-11-24T10:00:00.000Z' });
  const trust = (await attributes('iam.role', 'deploy-role')).trustPolicy as { Statement: Array<{ Principal: unknown }> };
  assert.deepEqual(trust.Statement.map((s) => s.Principal), [{ AWS: 'arn:aws:iam::444455556666:root' }, { AWS: ['arn:aws:iam::999988887777:root'] }]);
  assert.deepEqual(await read('s3.bucket', 'acme-data'), {
    type: 's3.bucket',
    id: 'acme-data',
    arn: 'arn:aws:s3:::acme-data',
    region: 'us-east-1',
    attributes: {
      acl: [{ grantee: 'owner', permission: 'FULL_CONTROL' }],
      policy: null,
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
      encryption: 'aws:kms',
      versioning: 'Enabled',
      logging: { targetBucket: 'acme-logs', targetPrefix: 'data/' },
    },
  });
  assert.deepEqual((await attributes('ec2.security_group', 'sg-0web0000000000001', 'us-east-1')).ingress, [
    { protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0' },
    { protocol: 'tcp', fromPort: 22, toPort: 22, source: '10.0.0.0/8' },
    { protocol: 'tcp', fromPort: 3389, toPort: 3389, source: '0.0.0.0/0' },
  ]);
  const trail = await attributes('cloudtrail.trail', 'main', 'us-east-1');
  assert.deepEqual([trail.logFileValidation, trail.logging], [false, true]);
  assert.deepEqual(await attributes('guardduty.detector', 'd0guardduty0us0east01', 'us-east-1'), { status: 'DISABLED' });
  assert.deepEqual(await attributes('kms.key', '1234abcd-12ab-34cd-56ef-1234567890ab', 'us-east-1'), { manager: 'CUSTOMER', state: 'Enabled', rotationEnabled: false });

  // Gone: NoSuchEntity, a key its user no longer has, NoSuchBucket, InvalidGroup.NotFound, TrailNotFoundException, a detector not listed, NotFoundException
  const gone: Array<[ResourceRef['type'], string]> = [
    ['iam.user', 'attacker01'],
    ['iam.access_key', 'AKIAATTACKER00000003'],
    ['iam.access_key', 'AKIAEXPECTED00000001'],
    ['iam.role', 'app-role'],
    ['s3.bucket', 'acme-old'],
    ['ec2.security_group', 'sg-0old0000000000001'],
    ['cloudtrail.trail', 'old-trail'],
    ['guardduty.detector', 'd0guardduty0eu0west01'],
    ['kms.key', '3333cccc-33cc-33cc-33cc-333333333333'],
  ];
  for (const [type, id] of gone) assert.equal(await read(type, id, type === 'guardduty.detector' ? 'eu-west-1' : 'us-east-1'), null, `${type}:${id}`);

  // A refusal is not "gone": the read fails and says why; so does throttling once the retries are spent.
  await assert.rejects(read('s3.bucket', 'acme-logs'), { name: 'AccessDenied' });
  await assert.rejects(read('iam.user', 'busy'), { name: 'Throttling' });
  assert.equal(server.requests.filter((r) => r.operation === 'GetUser' && r.params.UserName === 'busy').length, 2, 'retried (maxAttempts 2)');
  assert.ok(server.requests.every((r) => r.signed), 'SigV4 on every request');
  assert.deepEqual(server.requests.filter((r) => r.status === 404 && !['iam', 's3'].includes(r.service)), [], 'no request without a recorded answer');
  assert.ok(server.requests.some((r) => r.operation === 'GetTrail' && r.region === 'us-east-1'));
  assert.ok(server.requests.some((r) => r.operation === 'GET /detector' && r.region === 'eu-west-1'));
});

/** LiveDrift over the clean snapshot and a SQLite store, reading from the recorded account. */
async function liveDrift(t: { after(fn: () => unknown): void }, server: AwsServer) {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openFindingStore(join(dir, 'vigil.db'));
  t.after(() => store.close());
  const published: Alert[] = [];
  const lines: string[] = [];
  const aws = await reader(server);
  const drift = new LiveDrift(loadExpected([fixture('expected')]), loadSnapshot(fixture('actual-clean.json')), join(dir, 'actual.json'), store, {
    reader: aws,
    publish: async (alerts) => void published.push(...alerts),
    log: (line) => lines.push(line),
  });
  t.after(() => drift.stop(0));
  await drift.reconcileAll();
  const follow = (records: CloudTrailEvent[]) => drift.follow(records.map((data) => ({ source: 'aws_cloudtrail', data })));
  return { drift, store, published, lines, follow };
}

test('the API read after an event confirms or corrects it: its answer wins, the findings still name the event', async (t) => {
  const server = await startAwsServer(recording);
  t.after(() => server.close());
  const { drift, store, published, lines, follow } = await liveDrift(t, server);

  // The events alone: the bucket's public access block deleted, SSH open to the world, an unknown user, a policy on the logs.
  const alerts = await follow([unblock(), sshOpen(), attacker(), publicPolicy()]);
  assert.deepEqual(alerts.map((a) => a.rule).sort(), ['Drift: bucket policy changed', 'Drift: ingress rule added', 'Drift: public access block weakened', 'Drift: unknown user']);
  await drift.settled();

  assert.deepEqual(summary(await store.list({ kind: 'drift', status: 'open' })), [
    'drift/ingress-added ec2.security_group:sg-0web0000000000001 tcp:3389-3389:0.0.0.0/0',
    'drift/policy-changed s3.bucket:acme-logs',
  ]);
  assert.deepEqual(summary(await store.list({ kind: 'drift', status: 'fixed' })), [
    'drift/ingress-added ec2.security_group:sg-0web0000000000001 tcp:22-22:0.0.0.0/0',
    'drift/public-access-block-weakened s3.bucket:acme-data',
    'drift/unexpected-resource iam.user:attacker01',
  ]);
  // acme-data: the API has the block in place (put back before the read); attacker01: already deleted
  const now = (type: string, id: string) => drift.snapshot.resources.find((r) => resourceKey(r) === `${type}:${id}`);
  assert.deepEqual(now('s3.bucket', 'acme-data')!.attributes.publicAccessBlock, { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
  assert.equal(now('iam.user', 'attacker01'), undefined);
  // sg-0web: the API knows of RDP open too; its alert comes from the read and names the event that led to it
  assert.equal(published.length, 1);
  const [rdp] = published;
  assert.equal(rdp!.rule, 'Drift: ingress rule added');
  assert.match(rdp!.output, /3389.*\(AuthorizeSecurityGroupIngress by arn:aws:iam::111122223333:user\/mallory at 2026-11-25T09:30:00Z from 198\.51\.100\.23 in us-east-1\)/);
  assert.equal(rdp!.output_fields['ct.name'], 'AuthorizeSecurityGroupIngress');
  assert.equal(rdp!.output_fields['ct.srcip'], '198.51.100.23');
  // acme-logs: the read was refused; the event's result stands, counted and said in one line
  assert.ok(now('s3.bucket', 'acme-logs')!.attributes.policy);
  assert.deepEqual(lines, ['vigil: drift: cannot read s3.bucket:acme-logs from the API (AccessDenied: Access Denied); keeping what PutBucketPolicy says']);
  assert.deepEqual(drift.counts, { events: 4, changes: 4, unreadable: 0, alerts: 5, refreshes: 3, refreshFailed: 1 });
  assert.ok(drift.save(), 'the API state is written back with the snapshot');
});

test('events for one resource in a burst: the read they overtook is dropped, and one more read answers for all of them', async (t) => {
  const server = await startAwsServer(recording);
  t.after(() => server.close());
  const { drift, store, follow } = await liveDrift(t, server);
  await follow([publicAcl()]);
  await follow([unblock(), publicAcl(), unblock()]);
  await drift.settled();
  assert.equal(server.requests.filter((r) => r.operation === 'GET /acme-data?acl').length, 2);
  assert.deepEqual([drift.counts.changes, drift.counts.refreshes, drift.counts.refreshFailed], [4, 1, 0]);
  assert.deepEqual(summary(await store.list({ kind: 'drift', status: 'open' })), [], 'the API has the bucket private and blocked');
});

/** Waits until `test` holds of the service's /metrics text (10 s at most). */
async function metricsWhen(url: string, test: (text: string) => boolean): Promise<string> {
  for (let tries = 0; ; tries++) {
    const text = (await get(`${url}/metrics`)).body as string;
    if (test(text)) return text;
    assert.ok(tries < 500, text);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT1', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', VIGIL_REPLAY: '' };

test('vigil serve --drift-refresh aws: events posted, the API read answers, the stored findings and alerts follow it, /metrics counts', async (t) => {
  const server = await startAwsServer(recording);
  t.after(() => server.close());
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const snapshot = join(dir, 'actual.json');
  copyFileSync(fixture('actual-clean.json'), snapshot);
  const store = join(dir, 'vigil.db');
  const endpoint = `http://127.0.0.1:${new URL(server.endpoint).port}`;
  const args = ['--port', '0', '--store', store, '--dead-letter', join(dir, 'dead.jsonl'), '--drift-expected', fixture('expected'), '--drift-snapshot', snapshot, '--drift-refresh', 'aws', '--drift-aws-endpoint', endpoint];
  const serve = await startServe(t, args, dir, AWS_ENV);
  const { url } = serve;
  assert.match(serve.said(), /drift: each changed resource is read again from the AWS API \(account 111122223333\)/);

  const r = await post(`${url}/ingest/aws_cloudtrail`, { Records: [unblock(), sshOpen(), publicPolicy()] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const text = await metricsWhen(url, (m) => metric(m, 'vigil_drift_refreshes_total') + metric(m, 'vigil_drift_refresh_failures_total') === 3 && metric(m, 'vigil_drift_refresh_queue_depth') === 0);
  assert.deepEqual(
    ['events', 'changes', 'unreadable', 'alerts', 'refreshes', 'refresh_failures'].map((n) => metric(text, `vigil_drift_${n}_total`)),
    [3, 3, 0, 4, 2, 1],
  );
  const counted = [...text.matchAll(/^vigil_alerts_total\{priority="(\w+)"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0);
  const stored = ((await get(`${url}/api/alerts?limit=100`)).body as { alerts: StoredAlert[] }).alerts;
  assert.equal(stored.filter((a) => a.alert.tags.includes('drift')).length, 4);
  assert.equal(counted, stored.length, 'every alert raised, the API reads\' too, is counted in vigil_alerts_total');

  const findings = ((await get(`${url}/api/findings?kind=drift`)).body as { findings: Finding[] }).findings;
  const status = (key: string) => findings.filter((f) => summary([f])[0] === key).map((f) => f.status);
  assert.deepEqual(status('drift/public-access-block-weakened s3.bucket:acme-data'), ['fixed'], 'the API has the block in place');
  assert.deepEqual(status('drift/policy-changed s3.bucket:acme-logs'), ['open'], 'the read was refused: the event stands');
  assert.deepEqual(status('drift/ingress-added ec2.security_group:sg-0web0000000000001 tcp:3389-3389:0.0.0.0/0'), ['open'], 'known from the API only');
  const rdp = ((await get(`${url}/api/alerts?tag=drift&limit=100`)).body as { alerts: StoredAlert[] }).alerts.find((a) => /3389/.test(a.alert.output));
  assert.ok(rdp, 'the alert of the API read is stored through the outputs');
  assert.equal(rdp.alert.output_fields['ct.user'], 'arn:aws:iam::111122223333:user/mallory');
  assert.equal(rdp.alert.output_fields['ct.name'], 'AuthorizeSecurityGroupIngress');
  assert.match(serve.said(), /^vigil: drift: cannot read s3\.bucket:acme-logs from the API \(AccessDenied: Access Denied\); keeping what PutBucketPolicy says$/m);
  assert.ok(server.requests.every((x) => x.signed) && server.requests.some((x) => x.operation === 'GetCallerIdentity'));

  assert.equal(await serve.stop(), 0, serve.said());
  const saved = loadSnapshot(snapshot).resources;
  assert.equal((saved.find((x) => x.id === 'acme-data')!.attributes.publicAccessBlock as { blockPublicAcls: boolean }).blockPublicAcls, true);
  assert.ok((saved.find((x) => x.id === 'sg-0web0000000000001')!.attributes.ingress as Array<{ fromPort: number }>).some((x) => x.fromPort === 3389));
});

test('drift.refresh at start: no credentials, or credentials of another account, are one-line errors', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const args = (endpoint: string) => ['serve', '--port', '0', '--store', join(dir, 'v.db'), '--drift-expected', fixture('expected'), '--drift-snapshot', fixture('actual-clean.json'), '--drift-refresh', 'aws', '--drift-aws-endpoint', endpoint];
  const none = await vigilWithEnv(args('http://127.0.0.1:9'), {
    ...AWS_ENV,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    HOME: dir,
  }, dir);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /\nvigil: drift\.refresh: AWS: cannot tell which account these credentials belong to \(CredentialsProviderError: [^\n]*\)\n$/);
  assert.doesNotMatch(none.stderr, /\n\s+at /);

  const other = join(dir, 'other.json');
  writeFileSync(other, JSON.stringify({
    exchanges: [{
      service: 'sts',
      operation: 'GetCallerIdentity',
      status: 200,
      contentType: 'text/xml',
      body: '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::999988887777:user/someone</Arn><UserId>AIDASOMEONE00000001</UserId><Account>999988887777</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    }],
  }));
  const server = await startAwsServer(other);
  t.after(() => server.close());
  const wrong = await vigilWithEnv(args(`http://127.0.0.1:${new URL(server.endpoint).port}`), AWS_ENV, dir);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.equal(wrong.stderr.trim().split('\n').pop(), `vigil: drift.refresh: the AWS credentials are for account 999988887777, but ${fixture('actual-clean.json')} is a snapshot of account 111122223333`);
});

test('drift.refresh settings are checked: refresh without drift, AWS settings without refresh, an unknown API', () => {
  const dir = tempDir();
  const config = (yaml: string, flags: Record<string, string> = {}) => {
    writeFileSync(join(dir, 'vigil.yaml'), yaml);
    return () => loadConfig({ file: join(dir, 'vigil.yaml'), env: {}, flags });
  };
  assert.throws(config('drift:\n  refresh: aws\n'), /^UserError: .*vigil\.yaml:2:3: drift\.refresh is set but drift\.expected and drift\.snapshot are not/);
  assert.throws(config('server:\n  port: 0\n', { 'drift.aws_endpoint': 'http://127.0.0.1:4566' }), /^UserError: drift\.aws_endpoint is set but drift\.refresh is not aws$/);
  assert.throws(config('drift:\n  refresh: gcp\n'), /^UserError: .*vigil\.yaml:2:3: drift\.refresh: expected one of off, aws, got "gcp"$/);
  const on = config(`drift:\n  expected: [${fixture('expected')}]\n  snapshot: s.json\n  refresh: aws\n  aws_region: eu-west-1\n`)();
  assert.deepEqual(on.service.drift!.refresh, { region: 'eu-west-1' });
  assert.equal(config(`drift:\n  expected: [${fixture('expected')}]\n  snapshot: s.json\n`)().service.drift!.refresh, undefined);
  rmSync(dir, { recursive: true, force: true });
});
