import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSnapshot, importGcpAssets, newSnapshot, runPosture, POSTURE_CHECKS, type Resource, type Snapshot } from '../../src/posture/index.js';
import { openFindingStore } from '../../src/store/index.js';
import { fixture, tempDir, vigil } from './helpers.js';

const compliant = () => loadSnapshot(fixture('posture-compliant.json'));
const find = (s: Snapshot, type: string, id: string) => s.resources.find((r) => r.type === type && r.id === id)!;
const failing = (s: Snapshot) => runPosture(s).findings.map((f) => `${f.rule} ${f.details!.resourceKey}`).sort();

const gcpCompliant = (): Snapshot =>
  newSnapshot({ provider: 'gcp', account: 'acme-prod', collectedAt: '2026-11-21T00:00:00Z', regions: [], source: 'file' }, [
    { type: 'gcp.bucket', id: 'private', attributes: { bindings: [{ role: 'roles/storage.objectViewer', members: ['group:eng@acme.example'] }] } },
    { type: 'gcp.firewall', id: 'ssh-from-office', attributes: { direction: 'INGRESS', disabled: false, sourceRanges: ['203.0.113.0/24'], allowed: [{ protocol: 'tcp', ports: ['22'] }] } },
    { type: 'gcp.firewall', id: 'https', attributes: { direction: 'INGRESS', disabled: false, sourceRanges: ['0.0.0.0/0'], allowed: [{ protocol: 'tcp', ports: ['443'] }] } },
    { type: 'gcp.service_account_key', id: 'sys', attributes: { serviceAccount: 'a@p.iam.gserviceaccount.com', keyType: 'SYSTEM_MANAGED' } },
  ]);

const push = (r: Resource) => (s: Snapshot) => void s.resources.push(r);
const set = (type: string, id: string, attrs: Record<string, unknown>) => (s: Snapshot) => void Object.assign(find(s, type, id).attributes, attrs);

/** For every check: one change to a compliant snapshot that makes it fail, and the subject that fails. */
const FAILS: Record<string, [(s: Snapshot) => void, string]> = {
  'cis-aws-1.4': [set('account', '111122223333', { rootAccessKeysPresent: true }), 'account:111122223333'],
  'cis-aws-1.5': [set('account', '111122223333', { rootMfaEnabled: false }), 'account:111122223333'],
  'cis-aws-1.8': [set('account', '111122223333', { passwordPolicy: { minimumLength: 8, reusePrevention: 24 } }), 'account:111122223333'],
  'cis-aws-1.9': [set('account', '111122223333', { passwordPolicy: { minimumLength: 14, reusePrevention: 3 } }), 'account:111122223333'],
  'cis-aws-1.10': [set('iam.user', 'alice', { mfaDevices: [] }), 'iam.user:alice'],
  'cis-aws-1.12': [set('iam.access_key', 'AKIAEXPECTED00000001', { lastUsed: '2026-09-01T00:00:00Z' }), 'iam.access_key:AKIAEXPECTED00000001'],
  'cis-aws-1.13': [push({ type: 'iam.access_key', id: 'AKIASECOND', attributes: { user: 'ci-deployer', status: 'Active', createdAt: '2026-11-20T00:00:00Z', lastUsed: null } }), 'iam.user:ci-deployer'],
  'cis-aws-1.14': [set('iam.access_key', 'AKIAEXPECTED00000001', { createdAt: '2026-01-01T00:00:00Z' }), 'iam.access_key:AKIAEXPECTED00000001'],
  'cis-aws-1.15': [set('iam.user', 'alice', { inlinePolicies: ['direct'] }), 'iam.user:alice'],
  'cis-aws-1.16': [set('iam.policy', 'arn:aws:iam::111122223333:policy/deploy', { document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: ['*'] }] } }), 'iam.policy:arn:aws:iam::111122223333:policy/deploy'],
  'cis-aws-1.4.0-2.1.1': [set('s3.bucket', 'acme-www', { encryption: null }), 's3.bucket:acme-www'],
  'cis-aws-2.1.4': [
    (s) => {
      set('account', '111122223333', { publicAccessBlock: null })(s);
      set('s3.bucket', 'acme-logs', { publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true } })(s);
      set('s3.bucket', 'acme-data', { publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true } })(s);
      set('s3.bucket', 'acme-www', { publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true } })(s);
    },
    'account:111122223333',
  ],
  'cis-aws-3.1': [set('cloudtrail.trail', 'main', { multiRegion: false }), 'account:111122223333'],
  'cis-aws-3.2': [set('cloudtrail.trail', 'main', { logFileValidation: false }), 'cloudtrail.trail:main'],
  'cis-aws-3.4': [set('s3.bucket', 'acme-logs', { logging: null }), 'cloudtrail.trail:main'],
  'cis-aws-3.5': [set('cloudtrail.trail', 'main', { kmsKeyId: null }), 'cloudtrail.trail:main'],
  'cis-aws-3.6': [set('kms.key', '1234abcd-12ab-34cd-56ef-1234567890ab', { rotationEnabled: false }), 'kms.key:1234abcd-12ab-34cd-56ef-1234567890ab'],
  'cis-aws-4.16': [(s) => void (s.resources = s.resources.filter((r) => !(r.type === 'securityhub.hub' && r.id === 'eu-west-1'))), 'region:eu-west-1'],
  'aws-guardduty-1': [set('guardduty.detector', 'd0guardduty0eu0west01', { status: 'DISABLED' }), 'region:eu-west-1'],
  'cis-aws-5.2': [(s) => void (find(s, 'ec2.security_group', 'sg-0web0000000000001').attributes.ingress as unknown[]).push({ protocol: 'tcp', fromPort: 3000, toPort: 3500, source: '0.0.0.0/0' }), 'ec2.security_group:sg-0web0000000000001'],
  'cis-aws-5.3': [(s) => void (find(s, 'ec2.security_group', 'sg-0web0000000000001').attributes.ingress as unknown[]).push({ protocol: '-1', fromPort: null, toPort: null, source: '::/0' }), 'ec2.security_group:sg-0web0000000000001'],
  'cis-aws-5.4': [set('ec2.security_group', 'sg-0default0000000001', { egress: [{ protocol: '-1', fromPort: null, toPort: null, source: '0.0.0.0/0' }] }), 'ec2.security_group:sg-0default0000000001'],
  'cis-gcp-1.4': [push({ type: 'gcp.service_account_key', id: 'user-key', attributes: { serviceAccount: 'a@p.iam.gserviceaccount.com', keyType: 'USER_MANAGED' } }), 'gcp.service_account_key:user-key'],
  'cis-gcp-3.6': [set('gcp.firewall', 'ssh-from-office', { sourceRanges: ['0.0.0.0/0'] }), 'gcp.firewall:ssh-from-office'],
  'cis-gcp-3.7': [set('gcp.firewall', 'https', { allowed: [{ protocol: 'tcp', ports: ['443', '3000-4000'] }] }), 'gcp.firewall:https'],
  'cis-gcp-5.1': [set('gcp.bucket', 'private', { bindings: [{ role: 'roles/storage.objectViewer', members: ['allAuthenticatedUsers'] }] }), 'gcp.bucket:private'],
};

test('every check has a failing case', () => {
  assert.deepEqual(Object.keys(FAILS).sort(), POSTURE_CHECKS.map((c) => c.id).sort());
});

test('the compliant snapshots pass every check', () => {
  const aws = runPosture(compliant());
  assert.deepEqual(aws.findings, []);
  assert.equal(aws.score, 100);
  assert.ok(aws.results.every((r) => r.status === 'pass'), JSON.stringify(aws.results.filter((r) => r.status !== 'pass').map((r) => r.check.id)));
  const gcp = runPosture(gcpCompliant());
  assert.deepEqual(gcp.findings, []);
  assert.deepEqual(gcp.results.map((r) => r.status), ['pass', 'pass', 'pass', 'pass']);
});

for (const check of POSTURE_CHECKS) {
  test(`posture check ${check.control} ${check.title}: pass and fail`, () => {
    const s = check.provider === 'aws' ? compliant() : gcpCompliant();
    assert.ok(!failing(s).some((f) => f.startsWith(check.id + ' ')), 'passes when compliant');
    const [change, subject] = FAILS[check.id]!;
    change(s);
    assert.deepEqual(failing(s), [`${check.id} ${subject}`]);
    const result = runPosture(s).results.find((r) => r.check.id === check.id)!;
    assert.equal(result.status, 'fail');
    const finding = runPosture(s).findings[0]!;
    assert.equal(finding.kind, 'posture');
    assert.equal(finding.score, check.score);
  });
}

test('what the snapshot does not tell is unknown, not a pass or a fail', () => {
  const s = compliant();
  delete find(s, 'account', '111122223333').attributes.rootMfaEnabled;
  const r = runPosture(s).results.find((x) => x.check.id === 'cis-aws-1.5')!;
  assert.equal(r.status, 'unknown');
  assert.equal(runPosture(s).score, 100, 'unknown checks do not count');
});

test('the recorded drifted inventory and the GCP export fail the checks they should', () => {
  const report = runPosture(loadSnapshot(fixture('actual-drifted.json')));
  const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.check.control);
  assert.deepEqual(failed, ['1.10', '1.13', '1.15', '2.1.1 (v1.4.0)', '2.1.4', '3.1', '3.4', '3.6', '4.16', 'GuardDuty.1', '5.2']);
  assert.equal(report.score, 50);
  const gcp = runPosture(importGcpAssets(fixture('gcp-assets.jsonl')));
  assert.deepEqual(gcp.findings.map((f) => f.rule).sort(), ['cis-gcp-1.4', 'cis-gcp-3.6', 'cis-gcp-5.1']);
});

test('vigil posture prints the table and score and stores findings', async () => {
  const db = join(tempDir(), 'v.db');
  const r = await vigil(['posture', '--actual', fixture('actual-drifted.json'), '--store', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CONTROL\s+STATUS\s+FAILED\s+CHECK\n/);
  assert.match(r.stdout, /\n5\.2\s+FAIL\s+1\/2\s+No security group admits 0\.0\.0\.0\/0 to ports 22 or 3389\n/);
  assert.match(r.stdout, /\nscore: 50% \(11 pass, 11 fail, 0 unknown or not applicable\)\n$/);
  const again = await vigil(['posture', '--actual', fixture('posture-compliant.json'), '--store', db, '-f', 'json']);
  assert.deepEqual(JSON.parse(again.stdout), []);
  const store = await openFindingStore(db);
  assert.ok((await store.list({ kind: 'posture', status: 'fixed' })).length > 0);
  assert.equal((await store.list({ kind: 'posture', status: 'open' })).length, 0);
  await store.close();
});
