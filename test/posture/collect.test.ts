import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectAws, computeDrift, loadExpected, loadSnapshot, parseSnapshot, resolveExpected, snapshotJson, runPosture } from '../../src/posture/index.js';
import { fixture, tempDir, vigilWithEnv } from './helpers.js';
import { startAwsServer } from './aws-server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

test('the AWS collector reads every service through the SDK against recorded responses', async () => {
  const server = await startAwsServer(fixture('aws-recorded', 'exchanges.json'));
  try {
    const { snapshot, warnings } = await collectAws({
      ...server.sdk,
      region: 'us-east-1',
      now: new Date('2026-11-20T10:00:00Z'),
    });
    assert.deepEqual(warnings, []);
    parseSnapshot(snapshotJson(snapshot));
    assert.equal(snapshot.account, '111122223333');
    assert.deepEqual(snapshot.regions, ['eu-west-1', 'us-east-1']);
    const get = (type: string, id: string) => snapshot.resources.find((r) => r.type === type && r.id === id);

    // every request was signed, and no request went unanswered
    assert.ok(server.requests.every((r) => r.signed), 'SigV4 on every request');
    assert.deepEqual(server.requests.filter((r) => r.status === 404 && r.service !== 's3' && r.service !== 'iam'), []);
    // pagination: both pages of the authorization details, security groups and KMS keys
    assert.deepEqual(server.requests.filter((r) => r.operation === 'GetAccountAuthorizationDetails').map((r) => r.params.Marker ?? 'first'), ['first', 'AAGvbmUgbW9yZSBwYWdl']);
    assert.ok(get('iam.role', 'deploy-role') && get('iam.user', 'attacker01'), 'users from page 1, roles from page 2');
    assert.ok(get('ec2.security_group', 'sg-0default0000000001'), 'second page of security groups');
    assert.ok(get('kms.key', '0aws0managed0key0000000000000001'), 'second page of KMS keys');
    // throttling: eu-west-1 was refused once with RequestLimitExceeded and retried
    const eu = server.requests.filter((r) => r.operation === 'DescribeSecurityGroups' && r.region === 'eu-west-1');
    assert.deepEqual(eu.map((r) => r.status), [503, 200]);
    assert.ok(get('ec2.security_group', 'sg-0default0000000eu1'));
    // S3 Control was addressed at the account's own host name
    assert.ok(server.requests.some((r) => r.host.startsWith('111122223333.aws.vigil.test')));
    // S3 calls for a bucket in another region are signed for that region
    assert.ok(server.requests.filter((r) => r.operation.startsWith('GET /acme-logs?') && r.operation !== 'GET /acme-logs?location').every((r) => r.region === 'eu-west-1'));

    assert.deepEqual(get('account', '111122223333')!.attributes, {
      rootMfaEnabled: true,
      rootAccessKeysPresent: false,
      publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false },
      passwordPolicy: { minimumLength: 14, reusePrevention: 24 },
    });
    assert.deepEqual(get('iam.user', 'ci-deployer')!.attributes, {
      createdAt: '2025-01-10T09:00:00.000Z',
      consoleAccess: false,
      passwordLastUsed: null,
      mfaDevices: [],
      attachedPolicies: ['arn:aws:iam::111122223333:policy/deploy'],
      inlinePolicies: [],
      groups: [],
    });
    assert.equal(get('iam.user', 'alice')!.attributes.passwordLastUsed, '2026-11-19T08:00:00.000Z');
    assert.deepEqual(get('iam.access_key', 'AKIAUNKNOWN000000002')!.attributes, { user: 'ci-deployer', status: 'Active', createdAt: '2026-11-19T23:12:00.000Z', lastUsed: null });
    assert.deepEqual((get('iam.role', 'deploy-role')!.attributes.trustPolicy as { Statement: unknown[] }).Statement.length, 2, 'URL-encoded trust policy decoded');
    assert.deepEqual(get('iam.policy', 'arn:aws:iam::111122223333:policy/deploy')!.attributes.document, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-www/*' }],
    }, 'the default version, not v1');
    assert.deepEqual(get('s3.bucket', 'acme-data')!.attributes, {
      acl: [{ grantee: 'owner', permission: 'FULL_CONTROL' }, { grantee: 'AllUsers', permission: 'READ' }],
      policy: null,
      publicAccessBlock: null,
      encryption: null,
      versioning: 'Enabled',
      logging: { targetBucket: 'acme-logs', targetPrefix: 'data/' },
    });
    assert.equal(get('s3.bucket', 'acme-logs')!.region, 'eu-west-1');
    assert.equal(get('s3.bucket', 'acme-logs')!.attributes.encryption, 'AES256');
    assert.deepEqual(get('ec2.security_group', 'sg-0web0000000000001')!.attributes.ingress, [
      { protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, source: '10.0.0.0/8' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0' },
    ]);
    assert.deepEqual(get('cloudtrail.trail', 'main')!.attributes.logging, false);
    assert.deepEqual(get('guardduty.detector', 'd0guardduty0us0east01')!.attributes, { status: 'ENABLED' });
    assert.deepEqual([get('securityhub.hub', 'us-east-1')!.attributes, get('securityhub.hub', 'eu-west-1')!.attributes], [{ enabled: true }, { enabled: false }]);
    assert.deepEqual(get('kms.key', '1234abcd-12ab-34cd-56ef-1234567890ab')!.attributes, { manager: 'CUSTOMER', state: 'Enabled', rotationEnabled: false });
    assert.deepEqual(get('kms.key', '0aws0managed0key0000000000000001')!.attributes, { manager: 'AWS', state: 'Enabled' });

    // the collected snapshot feeds drift and posture like any other
    const drift = computeDrift(loadExpected([fixture('expected')]), snapshot).map((f) => `${f.rule} ${f.details!.resourceKey}`);
    assert.ok(drift.includes('drift/unexpected-resource iam.user:attacker01'));
    assert.ok(drift.includes('drift/bucket-public s3.bucket:acme-data'));
    assert.ok(drift.includes('drift/logging-stopped cloudtrail.trail:main'));
    const posture = runPosture(snapshot).results.filter((r) => r.status === 'fail').map((r) => r.check.control);
    assert.ok(posture.includes('4.16') && posture.includes('GuardDuty.1') && posture.includes('5.4'));
  } finally {
    await server.close();
  }
});

test('a call that fails (here: a region with nothing recorded) is a warning; the rest is still collected', async () => {
  const server = await startAwsServer(fixture('aws-recorded', 'exchanges.json'));
  try {
    const { snapshot, warnings } = await collectAws({
      ...server.sdk,
      regions: ['us-east-1', 'ap-south-2'],
      maxAttempts: 1,
    });
    assert.ok(warnings.some((w) => w.startsWith('ec2:DescribeSecurityGroups ap-south-2:')), warnings.join('\n'));
    assert.deepEqual(snapshot.regions, ['ap-south-2', 'us-east-1']);
    assert.ok(snapshot.resources.some((r) => r.type === 'iam.user'));
  } finally {
    await server.close();
  }
});

test('vigil inventory collect --aws and vigil drift --aws take credentials from the standard chain (environment)', async () => {
  const server = await startAwsServer(fixture('aws-recorded', 'exchanges.json'));
  try {
    const out = join(tempDir(), 'snap.json');
    const port = new URL(server.endpoint).port;
    const r = await vigilWithEnv(['inventory', 'collect', '--aws', '--endpoint', `http://127.0.0.1:${port}`, '-o', out], {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT1',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    assert.equal(r.code, 0, r.stderr);
    const snapshot = loadSnapshot(out);
    assert.equal(snapshot.source, 'aws-api');
    assert.ok(snapshot.resources.some((x) => x.type === 'iam.user' && x.id === 'attacker01'));
    assert.ok(server.requests.every((x) => x.signed));
    // S3 Control needs the account id in the host name, which an IP endpoint cannot take: a warning, and the attribute stays unknown
    assert.match(r.stderr, /^vigil: warning: s3control:GetPublicAccessBlock: /m);
    assert.equal(snapshot.resources.find((x) => x.type === 'account')!.attributes.publicAccessBlock, undefined);

    // vigil drift --aws collects now and compares (a fresh server: first pages and the throttle are served once)
    const again = await startAwsServer(fixture('aws-recorded', 'exchanges.json'));
    const drift = await vigilWithEnv(['drift', '--aws', '--endpoint', `http://127.0.0.1:${new URL(again.endpoint).port}`, '--expected', fixture('expected'), '--no-store', '-f', 'json'], {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT1',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }).finally(() => again.close());
    assert.equal(drift.code, 0, drift.stderr);
    const found = (JSON.parse(drift.stdout) as Array<{ title: string; resource: string }>).map((f) => `${f.title} ${f.resource}`);
    assert.ok(found.includes('unknown user arn:aws:iam::111122223333:user/attacker01'), found.join('\n'));
    assert.ok(found.includes('bucket became public arn:aws:s3:::acme-data'));
  } finally {
    await server.close();
  }
});

test('Terraform state from an S3 backend object', async () => {
  const dir = tempDir();
  const recording = join(dir, 'exchanges.json');
  writeFileSync(
    recording,
    JSON.stringify({
      exchanges: [
        { service: 's3', operation: 'GET /acme-tfstate/prod/iam.tfstate', status: 200, contentType: 'application/json', body: readFileSync(fixture('expected', 'iam.tfstate'), 'utf8') },
        {
          service: 's3',
          operation: 'GET /acme-tfstate/prod/missing.tfstate',
          status: 404,
          contentType: 'application/xml',
          body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>prod/missing.tfstate</Key><RequestId>R1</RequestId><HostId>H1</HostId></Error>',
        },
      ],
    }),
  );
  const server = await startAwsServer(recording);
  try {
    const aws = { ...server.sdk, region: 'eu-west-1' };
    const expected = await resolveExpected(['s3://acme-tfstate/prod/iam.tfstate', fixture('expected', 'declared.yaml')], aws);
    assert.deepEqual(expected.sources, ['s3://acme-tfstate/prod/iam.tfstate', fixture('expected', 'declared.yaml')]);
    assert.ok(expected.resources.has('iam.user:alice'));
    assert.equal(expected.declared.publicBuckets[0], 'acme-www');
    assert.ok(server.requests.every((r) => r.signed && r.region === 'eu-west-1'));
    await assert.rejects(resolveExpected(['s3://acme-tfstate/prod/missing.tfstate'], aws), /^UserError: s3:\/\/acme-tfstate\/prod\/missing\.tfstate: cannot read Terraform state: NoSuchKey/);
  } finally {
    await server.close();
  }
});

test('without credentials, vigil inventory collect --aws says so in one line (exit 2)', async () => {
  const home = tempDir();
  const r = await vigilWithEnv(['inventory', 'collect', '--aws', '--endpoint', 'http://127.0.0.1:9'], {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^vigil: AWS: cannot tell which account these credentials belong to \(CredentialsProviderError: [^\n]*\)\n$/);
});
