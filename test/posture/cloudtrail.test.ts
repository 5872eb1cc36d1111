import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftFromCloudTrailEvent, loadExpected, loadSnapshot, type CloudTrailEvent, type Snapshot } from '../../src/posture/index.js';
import { cloudtrailDir, fixture, PUBLIC_READ_ACL } from './helpers.js';

/** The real Stratus Red Team CloudTrail records, in time order. */
const events: CloudTrailEvent[] = readdirSync(cloudtrailDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(join(cloudtrailDir, f), 'utf8')) as { Records: CloudTrailEvent[] }).Records)
  .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
const byId = (id: string) => events.find((e) => e.eventID === id)!;
const expected = loadExpected([fixture('stratus', 'expected.tfstate')]);
const before = () => loadSnapshot(fixture('stratus', 'before.json'));
const summary = (r: ReturnType<typeof driftFromCloudTrailEvent>) => r.findings.map((f) => `${f.rule} ${f.details!.resourceKey}${f.details!.detail ? ' ' + f.details!.detail : ''} ${f.score}`);

test('the dataset is the one described (2,900 events)', () => {
  assert.equal(events.length, 2900);
});

test('CreateUser by hand: an unknown user, naming who, when, where and how', () => {
  const r = driftFromCloudTrailEvent(byId('85c89720-8103-4281-9e0e-8977b52bcdbe'), expected, before());
  assert.equal(r.resourceKey, 'iam.user:malicious-iam-user');
  assert.deepEqual(summary(r), ['drift/unexpected-resource iam.user:malicious-iam-user 7']);
  const f = r.findings[0]!;
  assert.deepEqual(f.details!.cloudtrail, {
    who: 'arn:aws:iam::123837392027:user/bert-jan',
    identityType: 'IAMUser',
    accessKeyId: 'AKIATFQR7NSC8Q4X20BJ',
    when: '2023-07-10T12:24:49Z',
    sourceIp: '192.168.10.20',
    region: 'us-east-1',
    eventName: 'CreateUser',
    eventSource: 'iam.amazonaws.com',
    eventId: '85c89720-8103-4281-9e0e-8977b52bcdbe',
    userAgent: 'stratus-red-team_e1bd4d05-8971-4500-b6af-3e05539b163c',
  });
  assert.match(f.description, /\(CreateUser by arn:aws:iam::123837392027:user\/bert-jan at 2023-07-10T12:24:49Z from 192\.168\.10\.20 in us-east-1\)$/);
  assert.equal(f.firstSeen, '2023-07-10T12:24:49.000Z');

  // the snapshot given is not changed; the new one carries the user
  assert.ok(!before().resources.some((x) => x.id === 'malicious-iam-user'));
  assert.ok(r.snapshot.resources.some((x) => x.id === 'malicious-iam-user'));
});

test('the backdoor user: administrator policy, then an access key, then clean-up', () => {
  let s: Snapshot = before();
  const step = (id: string) => {
    const r = driftFromCloudTrailEvent(byId(id), expected, s);
    s = r.snapshot;
    return summary(r);
  };
  assert.deepEqual(step('85c89720-8103-4281-9e0e-8977b52bcdbe'), ['drift/unexpected-resource iam.user:malicious-iam-user 7']);
  const attach = events.find((e) => e.eventName === 'AttachUserPolicy' && e.requestParameters?.userName === 'malicious-iam-user')!;
  assert.deepEqual(step(attach.eventID!), ['drift/unexpected-resource iam.user:malicious-iam-user 9'], 'an unknown administrator weighs more');
  assert.deepEqual(step('8c282c0b-00d1-4369-95b7-cb50b6eee620'), ['drift/unexpected-resource iam.access_key:AKIATFQR7NSCQLA2F4OD 8']);
  const deleteKey = events.find((e) => e.eventName === 'DeleteAccessKey' && e.requestParameters?.accessKeyId === 'AKIATFQR7NSCQLA2F4OD')!;
  assert.deepEqual(step(deleteKey.eventID!), [], 'deleted again: no drift left for the key');
  assert.ok(!s.resources.some((x) => x.id === 'AKIATFQR7NSCQLA2F4OD'));
});

test('AuthorizeSecurityGroupIngress: the Terraform rule matches, the hand-made port 22 rule is drift', () => {
  const tls = driftFromCloudTrailEvent(byId('7e96f0e7-4d78-423d-b3f5-391370685b30'), expected, before());
  assert.deepEqual(summary(tls), []);
  const ssh = driftFromCloudTrailEvent(byId('74bd84b4-6729-4895-b2a4-e2beb7c6b377'), expected, tls.snapshot);
  assert.deepEqual(summary(ssh), ['drift/ingress-added ec2.security_group:sg-04cfb7a4712d75b00 tcp:22-22:0.0.0.0/0 9']);
  assert.equal(ssh.findings[0]!.details!.cloudtrail && (ssh.findings[0]!.details!.cloudtrail as { eventName: string }).eventName, 'AuthorizeSecurityGroupIngress');
});

test('UpdateAssumeRolePolicy: trust widened to an outside account, then reverted', () => {
  const widened = driftFromCloudTrailEvent(byId('d96d75c7-e715-44ff-9735-9dc51afbd774'), expected, before());
  assert.deepEqual(summary(widened), ['drift/trust-widened iam.role:stratus-red-team-backdoor-r-role AWS:arn:aws:iam::193672423079:root 9']);
  const reverted = driftFromCloudTrailEvent(byId('059cf0ed-af91-40a6-9c89-a8a4fb81dc65'), expected, widened.snapshot);
  assert.deepEqual(summary(reverted), []);
});

test('PutBucketPolicy sharing a bucket with another account, and CreateLoginProfile', () => {
  const policy = driftFromCloudTrailEvent(byId('d58cf935-0194-41d0-baa0-9efc030ce2e6'), expected, before());
  assert.deepEqual(summary(policy), ['drift/policy-changed s3.bucket:stratus-red-team-bdbp-lhfzvgcamn 5']);
  const login = driftFromCloudTrailEvent(byId('f0d7bb15-75c8-4770-a500-92d1f71b948c'), expected, before());
  assert.deepEqual(summary(login), ['drift/console-access-added iam.user:stratus-red-team-login-profile-user 6']);
});

test('failed calls, other accounts and untracked events change nothing', () => {
  const stop = events.find((e) => e.eventName === 'StopLogging')!;
  assert.equal(driftFromCloudTrailEvent(stop, expected, before()).ignored, 'the call failed (TrailNotFoundException)');
  const secret = events.find((e) => e.eventName === 'GetSecretValue' && !e.errorCode)!;
  assert.equal(driftFromCloudTrailEvent(secret, expected, before()).ignored, 'GetSecretValue changes nothing vigil tracks');
  const other = { ...byId('85c89720-8103-4281-9e0e-8977b52bcdbe'), recipientAccountId: '999999999999' };
  assert.match(driftFromCloudTrailEvent(other, expected, before()).ignored!, /for account 999999999999/);
});

test('replaying the whole run: each drift is first reported by the event that caused it', () => {
  let s = before();
  const found = new Map<string, string>();
  for (const e of events) {
    const r = driftFromCloudTrailEvent(e, expected, s);
    s = r.snapshot;
    for (const f of r.findings) {
      const key = `${f.rule} ${f.details!.resourceKey}`;
      if (!found.has(key)) found.set(key, (f.details!.cloudtrail as { eventName: string }).eventName);
    }
  }
  assert.equal(found.get('drift/unexpected-resource iam.user:malicious-iam-user'), 'CreateUser');
  assert.equal(found.get('drift/unexpected-resource iam.access_key:AKIATFQR7NSCQLA2F4OD'), 'CreateAccessKey');
  assert.equal(found.get('drift/unexpected-resource iam.role:stratus-red-team-ec2-steal-credentials-role'), 'CreateRole');
  assert.equal(found.get('drift/trust-widened iam.role:stratus-red-team-backdoor-r-role'), 'UpdateAssumeRolePolicy');
  assert.equal(found.get('drift/ingress-added ec2.security_group:sg-04cfb7a4712d75b00'), 'AuthorizeSecurityGroupIngress');
  assert.equal(found.get('drift/unexpected-resource s3.bucket:stratus-red-team-ctlr-bucket-zqfsvooxqj'), 'CreateBucket');
  // the clean-up deleted what the run created: the users it made by hand are gone again
  assert.ok(!s.resources.some((x) => x.id === 'malicious-iam-user'));
});

/** A CloudTrail record as S3, IAM, GuardDuty and KMS write them, for calls the dataset does not have. */
function synthetic(eventName: string, eventSource: string, requestParameters: Record<string, unknown>): CloudTrailEvent {
  return {
    eventName,
    eventSource,
    eventTime: '2026-11-21T13:00:00Z',
    eventID: `synthetic-${eventName}`,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice', accessKeyId: 'ASIAEXAMPLE' },
    requestParameters,
    responseElements: null,
  };
}

test('a bucket opened step by step: account block, bucket block, then a public ACL', () => {
  const e = loadExpected([fixture('expected')]);
  let s = loadSnapshot(fixture('actual-clean.json'));
  const step = (event: CloudTrailEvent) => {
    const r = driftFromCloudTrailEvent(event, e, s);
    s = r.snapshot;
    return [r.resourceKey, ...summary(r)];
  };
  assert.deepEqual(step(synthetic('DeletePublicAccessBlock', 's3.amazonaws.com', { accountId: '111122223333' })), [
    'account:111122223333',
    'drift/public-access-block-weakened account:111122223333 7',
  ]);
  assert.deepEqual(step(synthetic('DeleteBucketPublicAccessBlock', 's3.amazonaws.com', { bucketName: 'acme-data', publicAccessBlock: '' })), [
    's3.bucket:acme-data',
    'drift/public-access-block-weakened s3.bucket:acme-data 6',
  ]);
  const grants = PUBLIC_READ_ACL;

  assert.deepEqual(step(synthetic('PutBucketAcl', 's3.amazonaws.com', grants)), [
    's3.bucket:acme-data',
    'drift/bucket-public s3.bucket:acme-data 9',
    'drift/public-access-block-weakened s3.bucket:acme-data 6',
  ]);
  assert.deepEqual(step(synthetic('PutBucketAcl', 's3.amazonaws.com', { bucketName: 'acme-data', 'x-amz-acl': ['private'] })), [
    's3.bucket:acme-data',
    'drift/public-access-block-weakened s3.bucket:acme-data 6',
  ], 'made private again with a canned ACL');
});

const SINGLE: Array<[string, CloudTrailEvent, string[]]> = [
  ['DeleteBucketEncryption', synthetic('DeleteBucketEncryption', 's3.amazonaws.com', { bucketName: 'acme-logs', encryption: '' }), ['drift/encryption-removed s3.bucket:acme-logs 6']],
  ['PutBucketEncryption', synthetic('PutBucketEncryption', 's3.amazonaws.com', { bucketName: 'acme-logs', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } } } }), []],
  ['PutBucketVersioning', synthetic('PutBucketVersioning', 's3.amazonaws.com', { bucketName: 'acme-logs', VersioningConfiguration: { Status: 'Suspended' } }), ['drift/versioning-disabled s3.bucket:acme-logs 4']],
  ['PutBucketLogging', synthetic('PutBucketLogging', 's3.amazonaws.com', { bucketName: 'acme-data', BucketLoggingStatus: {} }), ['drift/logging-disabled s3.bucket:acme-data 4']],
  ['DeactivateMFADevice', synthetic('DeactivateMFADevice', 'iam.amazonaws.com', { userName: 'alice', serialNumber: 'arn:aws:iam::111122223333:mfa/alice' }), ['drift/mfa-removed iam.user:alice 7']],
  ['StopLogging', synthetic('StopLogging', 'cloudtrail.amazonaws.com', { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main' }), ['drift/logging-stopped cloudtrail.trail:main 9']],
  ['DeleteTrail', synthetic('DeleteTrail', 'cloudtrail.amazonaws.com', { name: 'main' }), ['drift/missing-resource cloudtrail.trail:main 8']],
  ['UpdateDetector', synthetic('UpdateDetector', 'guardduty.amazonaws.com', { detectorId: 'd0guardduty0us0east01', enable: false }), ['drift/detector-disabled guardduty.detector:d0guardduty0us0east01 8']],
  ['DisableKeyRotation', synthetic('DisableKeyRotation', 'kms.amazonaws.com', { keyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }), ['drift/rotation-disabled kms.key:1234abcd-12ab-34cd-56ef-1234567890ab 5']],
  ['ScheduleKeyDeletion', synthetic('ScheduleKeyDeletion', 'kms.amazonaws.com', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 }), ['drift/key-state-changed kms.key:1234abcd-12ab-34cd-56ef-1234567890ab 7']],
  ['RevokeSecurityGroupIngress', synthetic('RevokeSecurityGroupIngress', 'ec2.amazonaws.com', { groupId: 'sg-0web0000000000001', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } }] } }), []],
];

for (const [name, event, expectedDrift] of SINGLE) {
  test(`event ${name} re-evaluates its resource`, () => {
    const r = driftFromCloudTrailEvent(event, loadExpected([fixture('expected')]), loadSnapshot(fixture('actual-clean.json')));
    assert.deepEqual(summary(r), expectedDrift);
    for (const f of r.findings) assert.equal((f.details!.cloudtrail as { sourceIp: string }).sourceIp, '203.0.113.7');
  });
}
