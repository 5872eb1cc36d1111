import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetIndex, alertEnricher } from '../../src/enrich/index.js';
import { engineFor, loadRuleFiles } from '../../src/engine/index.js';
import { catalogFor, findSource } from '../../src/sources/index.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';
import { parseDeclared } from '../../src/posture/index.js';
import { UserError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-assets-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const declared = join(dir, 'inventory.yaml');
writeFileSync(declared, `version: 1
assets:
  - { id: reports, owner: finance-data, environment: prod, tags: [pii, sox] }
  - { id: mallory, owner: contractor-team, environment: dev }
  - { id: "arn:aws:iam::111122223333:user/alice", owner: platform }
`);
const snapshot = join(dir, 'snapshot.json');
writeFileSync(snapshot, JSON.stringify({
  schema: 'vigil.inventory/1', provider: 'aws', account: '111122223333', collectedAt: '2026-11-20T00:00:00Z', regions: ['us-east-1'], source: 'file',
  resources: [
    { type: 'iam.user', id: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', attributes: {} },
    { type: 's3.bucket', id: 'reports', arn: 'arn:aws:s3:::reports', region: 'eu-west-1', attributes: {} },
  ],
}));

const ct = findSource('aws_cloudtrail')!;
const engine = engineFor(loadRuleFiles([DEFAULT_RULES_DIR]));
const record = (extra: object) => ({
  eventVersion: '1.08', eventTime: '2026-11-20T10:00:00Z', awsRegion: 'eu-west-1', sourceIPAddress: '198.51.100.30',
  eventType: 'AwsApiCall', eventID: 'e1', ...extra,
});

function alertsFor(index: AssetIndex, data: object) {
  const event = { source: 'aws_cloudtrail', data, timeNs: ct.time?.(data) };
  return alertEnricher(catalogFor, index)(engine.evaluate(event), event);
}

test('alerts about known assets carry their owner, environment, tags and what they are', () => {
  const index = AssetIndex.load([snapshot, declared]);
  const [alert] = alertsFor(index, record({
    userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: '111122223333' },
    eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketPublicAccessBlock', requestParameters: { bucketName: 'reports' },
  }));
  assert.equal(alert!.rule, 'AWS S3 Public Access Block Removed');
  assert.deepEqual(alert!.vigil!.assets, [
    { field: 'ct.user', value: 'mallory', owner: 'contractor-team', environment: 'dev' },
    { field: 's3.bucket', value: 'reports', type: 's3.bucket', arn: 'arn:aws:s3:::reports', owner: 'finance-data', environment: 'prod', tags: ['pii', 'sox'] },
  ]);
});

test('a declaration by ARN reaches the asset the snapshot names by its user name', () => {
  const index = AssetIndex.load([snapshot, declared]);
  const [alert] = alertsFor(index, record({
    userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: '111122223333' },
    eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', requestParameters: { userName: 'alice' },
  }));
  assert.equal(alert!.rule, 'AWS Access Key Created for Another User');
  const alice = alert!.vigil!.assets!.find((a) => a.value === 'alice');
  assert.deepEqual(alice, { field: 'ct.request.username', value: 'alice', type: 'iam.user', arn: 'arn:aws:iam::111122223333:user/alice', owner: 'platform' });
});

test('without asset files, or for unknown names, alerts carry no asset context', () => {
  for (const index of [new AssetIndex(), AssetIndex.load([declared])]) {
    const [alert] = alertsFor(index, record({
      userIdentity: { type: 'IAMUser', userName: 'nobody', accountId: '111122223333' },
      eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketPublicAccessBlock', requestParameters: { bucketName: 'unknown-bucket' },
    }));
    assert.equal(alert!.vigil!.assets, undefined);
  }
});

test('a malformed asset entry is refused with its place', () => {
  assert.throws(() => parseDeclared('version: 1\nassets:\n  - { owner: x }\n', 'inv.yaml'), (err: Error) =>
    err instanceof UserError && /inv\.yaml:3:\d+/.test(err.message) && /id/.test(err.message));
});
