import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeDrift,
  importGcpAssets,
  loadExpected,
  loadSnapshot,
  loadTerraformState,
  parseDeclared,
  parseSnapshot,
  snapshotJson,
  type Resource,
  type Snapshot,
} from '../../src/posture/index.js';
import { openFindingStore } from '../../src/store/index.js';
import { UserError } from '../../src/util/errors.js';
import { fixture, tempDir, vigil } from './helpers.js';

const now = new Date('2026-11-21T12:00:00Z');
const expected = () => loadExpected([fixture('expected')]);
const clean = () => loadSnapshot(fixture('actual-clean.json'));
const find = (s: Snapshot, type: string, id: string) => s.resources.find((r) => r.type === type && r.id === id)!;
const pairs = (s: Snapshot, e = expected()) => computeDrift(e, s, { now }).map((f) => `${f.rule} ${f.details!.resourceKey}${f.details!.detail ? ' ' + f.details!.detail : ''}`).sort();

test('Terraform state v4 maps managed resources, merging the ones that configure another', () => {
  const storage = loadTerraformState(fixture('expected', 'storage.tfstate'));
  const data = storage.find((r) => r.id === 'acme-data')!;
  assert.deepEqual(data.attributes, {
    acl: [{ grantee: 'owner', permission: 'FULL_CONTROL' }],
    publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    encryption: 'aws:kms',
    versioning: 'Enabled',
    logging: { targetBucket: 'acme-logs', targetPrefix: 'data/' },
  });
  const logs = storage.find((r) => r.id === 'acme-logs')!;
  assert.equal(logs.attributes.encryption, 'AES256', 'provider v3 inline encryption block');
  assert.equal(logs.attributes.versioning, 'Enabled');
  assert.equal(storage.find((r) => r.type === 'account')!.id, 'self');
  const net = loadTerraformState(fixture('expected', 'network.tfstate'));
  assert.deepEqual(net.find((r) => r.type === 'ec2.security_group')!.attributes.ingress, [
    { protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0' },
    { protocol: 'tcp', fromPort: 22, toPort: 22, source: '10.0.0.0/8' },
  ]);
  assert.deepEqual(net.find((r) => r.type === 'ec2.security_group')!.attributes.egress, [{ protocol: '-1', fromPort: null, toPort: null, source: '0.0.0.0/0' }]);
  assert.equal(net.find((r) => r.type === 'guardduty.detector')!.region, 'us-east-1');
  assert.ok(!net.some((r) => r.id === 'x'), 'unrelated types and data sources are skipped');
  const iam = loadTerraformState(fixture('expected', 'iam.tfstate'));
  const alice = iam.find((r) => r.id === 'alice')!;
  assert.deepEqual(alice.attributes, { consoleAccess: true, attachedPolicies: [], inlinePolicies: [], groups: ['admins'], mfaDevices: ['arn:aws:iam::111122223333:mfa/alice'] });
  assert.equal(iam.find((r) => r.type === 'iam.access_key')!.attributes.user, 'ci-deployer');
});

function rejectsFile(name: string, content: string, expectedMessage: RegExp): void {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, content);
  assert.throws(() => loadExpected([file]), (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.match(err.message, expectedMessage);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
}

test('malformed state files and declared inventories are rejected with a clear error', () => {
  rejectsFile('a.tfstate', '{"version": 3, "resources": []}', /a\.tfstate:1:13: Terraform state format version 3 is not supported/);
  rejectsFile('b.tfstate', '{"version": 4,\n "resources": [\n  {"mode": "managed", "type": "aws_iam_user", "name": "x"}\n ]}', /b\.tfstate:3:3: resources\.0 is missing "instances"$/);
  rejectsFile('c.tfstate', '{"version": 4, "resources": [', /c\.tfstate:1:\d+: expected state is not valid JSON/);
  rejectsFile('d.tfstate', '{"version": 4, "resources": [{"mode": "managed", "type": "aws_iam_user", "name": "x", "instances": [{}]}]}', /d\.tfstate:1:\d+: instance of aws_iam_user\.x has no attributes/);
  rejectsFile('e.tfstate', '{"version": 4, "resources": [{"mode": "managed", "type": "aws_iam_user", "name": "x", "instances": [{"attributes": {"arn": "a"}}]}]}', /e\.tfstate:1:\d+: aws_iam_user\.x has no identifying attribute/);
  rejectsFile('f.yaml', 'version: 1\ntrustedAccounts:\n  - "12345"\n', /^.*f\.yaml:3:5: trustedAccounts\.0 must match pattern/);
  rejectsFile('g.yaml', 'version: 1\niam:\n  user: [bob]\n', /g\.yaml:3:3: iam has unknown property "user"$/);
  rejectsFile('h.yaml', 'version: 1\niam: [unclosed\n', /h\.yaml:\d+:\d+: /);
  rejectsFile('i.txt', 'x', /i\.txt: expected a Terraform state/);
  assert.throws(() => loadExpected(['/nonexistent/state']), /\/nonexistent\/state: no such file or directory/);
});

test('the drifted snapshot shows every kind of drift it contains, the clean one none', () => {
  assert.deepEqual(pairs(loadSnapshot(fixture('actual-drifted.json'))), [
    'drift/bucket-public s3.bucket:acme-data',
    'drift/encryption-removed s3.bucket:acme-data',
    'drift/ingress-added ec2.security_group:sg-0web0000000000001 tcp:22-22:0.0.0.0/0',
    'drift/logging-stopped cloudtrail.trail:main',
    'drift/mfa-removed iam.user:alice',
    'drift/missing-resource iam.role:audit-role',
    'drift/public-access-block-weakened account:111122223333',
    'drift/public-access-block-weakened s3.bucket:acme-data',
    'drift/rotation-disabled kms.key:1234abcd-12ab-34cd-56ef-1234567890ab',
    'drift/trust-widened iam.role:deploy-role AWS:arn:aws:iam::999988887777:root',
    'drift/unexpected-resource iam.access_key:AKIAATTACKER00000003',
    'drift/unexpected-resource iam.access_key:AKIAUNKNOWN000000002',
    'drift/unexpected-resource iam.user:attacker01',
  ]);
  assert.deepEqual(pairs(clean()), []);
});

test('findings carry a score, a plain description and a stable fingerprint', () => {
  const a = computeDrift(expected(), loadSnapshot(fixture('actual-drifted.json')), { now });
  const b = computeDrift(expected(), loadSnapshot(fixture('actual-drifted.json')), { now: new Date() });
  assert.deepEqual(a.map((f) => f.fingerprint), b.map((f) => f.fingerprint));
  assert.equal(new Set(a.map((f) => f.fingerprint)).size, a.length);
  const attacker = a.find((f) => f.details!.resourceKey === 'iam.user:attacker01')!;
  assert.equal(attacker.kind, 'drift');
  assert.equal(attacker.title, 'unknown user');
  assert.equal(attacker.score, 9, 'an unknown user with AdministratorAccess');
  assert.match(attacker.description, /attacker01 exists in 111122223333 but is neither in infrastructure as code nor declared; it has console access/);
  for (const f of a) assert.ok(f.score >= 0 && f.score <= 10);
});

/** One change to the clean snapshot, and the drift it must cause (and nothing else). */
const KINDS: Array<[string, (s: Snapshot) => void, string | string[]]> = [
  ['unknown user', (s) => s.resources.push({ type: 'iam.user', id: 'mallory', attributes: {} }), 'drift/unexpected-resource iam.user:mallory'],
  ['unknown access key', (s) => s.resources.push({ type: 'iam.access_key', id: 'AKIANEW', attributes: { user: 'alice', status: 'Active' } }), 'drift/unexpected-resource iam.access_key:AKIANEW'],
  ['unknown role', (s) => s.resources.push({ type: 'iam.role', id: 'backdoor', attributes: { path: '/' } }), 'drift/unexpected-resource iam.role:backdoor'],
  ['unknown bucket', (s) => s.resources.push({ type: 's3.bucket', id: 'exfil', attributes: {} }), 'drift/unexpected-resource s3.bucket:exfil'],
  ['unknown security group', (s) => s.resources.push({ type: 'ec2.security_group', id: 'sg-new', attributes: { groupName: 'open' } }), 'drift/unexpected-resource ec2.security_group:sg-new'],
  ['unknown trail', (s) => s.resources.push({ type: 'cloudtrail.trail', id: 'shadow', attributes: {} }), 'drift/unexpected-resource cloudtrail.trail:shadow'],
  ['missing trail', (s) => remove(s, 'cloudtrail.trail', 'main'), 'drift/missing-resource cloudtrail.trail:main'],
  ['missing detector', (s) => remove(s, 'guardduty.detector', 'd0guardduty0us0east01'), 'drift/missing-resource guardduty.detector:d0guardduty0us0east01'],
  ['missing bucket', (s) => remove(s, 's3.bucket', 'acme-logs'), 'drift/missing-resource s3.bucket:acme-logs'],
  ['MFA removed', (s) => (find(s, 'iam.user', 'alice').attributes.mfaDevices = []), 'drift/mfa-removed iam.user:alice'],
  ['console access added', (s) => (find(s, 'iam.user', 'ci-deployer').attributes.consoleAccess = true), 'drift/console-access-added iam.user:ci-deployer'],
  ['policy attached to user', (s) => (find(s, 'iam.user', 'alice').attributes.attachedPolicies = ['arn:aws:iam::aws:policy/AdministratorAccess']), 'drift/policy-attached iam.user:alice arn:aws:iam::aws:policy/AdministratorAccess'],
  ['inline policy on role', (s) => (find(s, 'iam.role', 'app-role').attributes.inlinePolicies = ['escalate']), 'drift/inline-policy-added iam.role:app-role escalate'],
  ['added to group', (s) => (find(s, 'iam.user', 'ci-deployer').attributes.groups = ['admins']), 'drift/group-added iam.user:ci-deployer admins'],
  ['access key reactivated', (s) => (find(s, 'iam.access_key', 'AKIAEXPECTED00000001').attributes.status = 'Active'), ''],
  ['policy document changed', (s) => (find(s, 'iam.policy', 'arn:aws:iam::111122223333:policy/deploy').attributes.document = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), 'drift/policy-document-changed iam.policy:arn:aws:iam::111122223333:policy/deploy'],
  ['trust widened to a wildcard', (s) => trust(s, 'app-role', { AWS: '*' }), 'drift/trust-widened iam.role:app-role AWS:*'],
  ['trust widened to a service', (s) => trust(s, 'app-role', { Service: 'lambda.amazonaws.com' }), 'drift/trust-widened iam.role:app-role Service:lambda.amazonaws.com'],
  [
    'bucket made public by policy, every block lifted',
    (s) => {
      find(s, 'account', '111122223333').attributes.publicAccessBlock = null;
      Object.assign(find(s, 's3.bucket', 'acme-logs').attributes, { publicAccessBlock: null, policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] } });
    },
    ['drift/bucket-public s3.bucket:acme-logs', 'drift/policy-changed s3.bucket:acme-logs', 'drift/public-access-block-weakened account:111122223333', 'drift/public-access-block-weakened s3.bucket:acme-logs'],
  ],
  [
    'a public policy the account block still restricts is not public',
    (s) => Object.assign(find(s, 's3.bucket', 'acme-logs').attributes, { publicAccessBlock: null, policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] } }),
    ['drift/policy-changed s3.bucket:acme-logs', 'drift/public-access-block-weakened s3.bucket:acme-logs'],
  ],
  ['encryption removed', (s) => (find(s, 's3.bucket', 'acme-logs').attributes.encryption = null), 'drift/encryption-removed s3.bucket:acme-logs'],
  ['versioning suspended', (s) => (find(s, 's3.bucket', 'acme-logs').attributes.versioning = 'Suspended'), 'drift/versioning-disabled s3.bucket:acme-logs'],
  ['logging disabled', (s) => (find(s, 's3.bucket', 'acme-data').attributes.logging = null), 'drift/logging-disabled s3.bucket:acme-data'],
  ['bucket policy changed', (s) => (find(s, 's3.bucket', 'acme-www').attributes.policy = { Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*' }] }), 'drift/policy-changed s3.bucket:acme-www'],
  ['ingress added from a private range', (s) => sg(s).push({ protocol: 'tcp', fromPort: 5432, toPort: 5432, source: '10.1.0.0/16' }), 'drift/ingress-added ec2.security_group:sg-0web0000000000001 tcp:5432-5432:10.1.0.0/16'],
  ['ingress added from ::/0', (s) => sg(s).push({ protocol: '-1', fromPort: null, toPort: null, source: '::/0' }), 'drift/ingress-added ec2.security_group:sg-0web0000000000001 -1:*-*:::/0'],
  ['trail not multi-region', (s) => (find(s, 'cloudtrail.trail', 'main').attributes.multiRegion = false), 'drift/multi-region-disabled cloudtrail.trail:main'],
  ['log validation off', (s) => (find(s, 'cloudtrail.trail', 'main').attributes.logFileValidation = false), 'drift/log-validation-disabled cloudtrail.trail:main'],
  ['trail encryption removed', (s) => (find(s, 'cloudtrail.trail', 'main').attributes.kmsKeyId = null), 'drift/trail-encryption-removed cloudtrail.trail:main'],
  ['GuardDuty disabled', (s) => (find(s, 'guardduty.detector', 'd0guardduty0us0east01').attributes.status = 'DISABLED'), 'drift/detector-disabled guardduty.detector:d0guardduty0us0east01'],
  ['key pending deletion', (s) => (find(s, 'kms.key', '1234abcd-12ab-34cd-56ef-1234567890ab').attributes.state = 'PendingDeletion'), 'drift/key-state-changed kms.key:1234abcd-12ab-34cd-56ef-1234567890ab'],
  ['account block weakened', (s) => (find(s, 'account', '111122223333').attributes.publicAccessBlock = null), 'drift/public-access-block-weakened account:111122223333'],
];

function remove(s: Snapshot, type: string, id: string): void {
  s.resources = s.resources.filter((r) => !(r.type === type && r.id === id));
}
function trust(s: Snapshot, role: string, principal: Record<string, string>): void {
  const doc = find(s, 'iam.role', role).attributes.trustPolicy as { Statement: unknown[] };
  doc.Statement.push({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
}
function sg(s: Snapshot) {
  return find(s, 'ec2.security_group', 'sg-0web0000000000001').attributes.ingress as Resource['attributes'][];
}

for (const [name, change, drift] of KINDS) {
  test(`drift kind: ${name}`, () => {
    const s = clean();
    assert.deepEqual(pairs(s), [], 'no drift before the change');
    change(s);
    parseSnapshot(snapshotJson(s));
    assert.deepEqual(pairs(s), [drift].flat().filter(Boolean));
  });
}

test('an access key deactivated in code and active in the cloud is drift', () => {
  const dir = tempDir();
  const state = JSON.parse(readFileSync(fixture('expected', 'iam.tfstate'), 'utf8'));
  state.resources.find((r: { type: string }) => r.type === 'aws_iam_access_key').instances[0].attributes.status = 'Inactive';
  writeFileSync(join(dir, 'iam.tfstate'), JSON.stringify(state));
  const e = loadExpected([join(dir, 'iam.tfstate'), fixture('expected', 'storage.tfstate'), fixture('expected', 'network.tfstate'), fixture('expected', 'declared.yaml')]);
  assert.deepEqual(pairs(clean(), e), ['drift/key-reactivated iam.access_key:AKIAEXPECTED00000001']);
});

test('the declared inventory allows resources and public buckets; AWS-made resources are not unexpected', () => {
  const s = clean();
  s.resources.push({ type: 'iam.role', id: 'AWSServiceRoleForECS', attributes: { path: '/aws-service-role/ecs.amazonaws.com/' } });
  s.resources.push({ type: 'ec2.security_group', id: 'sg-default-eu', region: 'eu-west-1', attributes: { groupName: 'default' } });
  assert.deepEqual(pairs(s), [], 'OrganizationAccountAccessRole is declared; service-linked roles and default groups are AWS-made');
  const tf = [fixture('expected', 'iam.tfstate'), fixture('expected', 'storage.tfstate'), fixture('expected', 'network.tfstate')];
  assert.deepEqual(pairs(s, loadExpected(tf)), ['drift/unexpected-resource iam.role:OrganizationAccountAccessRole'], 'without the YAML the hand-made role is unknown');

  find(s, 'account', '111122223333').attributes.publicAccessBlock = null;
  Object.assign(find(s, 's3.bucket', 'acme-data').attributes, { acl: [{ grantee: 'AllUsers', permission: 'READ' }], publicAccessBlock: null });
  const weakened = ['drift/public-access-block-weakened account:111122223333', 'drift/public-access-block-weakened s3.bucket:acme-data'];
  assert.deepEqual(pairs(s), ['drift/bucket-public s3.bucket:acme-data', ...weakened].sort());
  const dir = tempDir();
  writeFileSync(join(dir, 'public.yaml'), 'version: 1\nbuckets:\n  public: [acme-data]\n');
  assert.deepEqual(pairs(s, loadExpected([fixture('expected'), join(dir, 'public.yaml')])), weakened, 'declared public: not drift');
  assert.deepEqual(parseDeclared('version: 1\nbuckets:\n  public: [acme-www]\n').publicBuckets, ['acme-www']);
});

test('a baseline snapshot serves as expected state', () => {
  const e = loadExpected([fixture('actual-clean.json'), fixture('expected', 'declared.yaml')]);
  const found = pairs(loadSnapshot(fixture('actual-drifted.json')), e);
  assert.ok(found.includes('drift/mfa-removed iam.user:alice'));
  assert.ok(found.includes('drift/unexpected-resource iam.user:attacker01'));
  assert.ok(found.includes('drift/missing-resource iam.role:audit-role'));
});

test('vigil drift: text, JSON and seed-003 alerts; stored, and a corrected drift is fixed on the next run', async () => {
  const dir = tempDir();
  const db = join(dir, 'vigil.db');
  const args = ['drift', '--expected', fixture('expected'), '--store', db, '--actual'];
  const first = await vigil([...args, fixture('actual-drifted.json'), '--format', 'alert']);
  assert.equal(first.code, 0, first.stderr);
  const alerts = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(alerts.length, 13);
  for (const a of alerts) {
    assert.deepEqual(Object.keys(a.Alert).sort(), ['csp', 'description', 'finding', 'id', 'resourceName', 'resourceType', 'rule', 'ruleType', 'score', 'timeStamp'].sort());
    assert.equal(a.Alert.csp, 'AWS');
    assert.match(a.Alert.timeStamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  }
  const user = alerts.find((a) => a.Alert.resourceName.endsWith('user/attacker01')).Alert;
  assert.equal(user.resourceType, 'IAMUser');
  assert.equal(user.finding, 'unknown user');
  assert.equal(user.ruleType, 'UserChecks');
  assert.match(first.stderr, /drift: 13 findings \(new 13, fixed 0\)/);

  const json = await vigil([...args, fixture('actual-drifted.json'), '--format', 'json']);
  assert.equal(JSON.parse(json.stdout).length, 13);
  assert.match(json.stderr, /new 0, fixed 0/);

  const fixed = await vigil([...args, fixture('actual-clean.json')]);
  assert.equal(fixed.stdout, 'no findings\n');
  assert.match(fixed.stderr, /drift: 0 findings \(new 0, fixed 13\)/);
  const store = await openFindingStore(db);
  assert.equal((await store.list({ kind: 'drift', status: 'fixed', scope: 'drift:aws:111122223333' })).length, 13);
  await store.close();

  const text = await vigil([...args, fixture('actual-drifted.json'), '--no-store', '--fail-on', '9']);
  assert.equal(text.code, 1, 'a finding scores 9');
  assert.match(text.stdout, /\[ 9\.0\] unknown user: arn:aws:iam::111122223333:user\/attacker01 \(drift\/unexpected-resource\)/);

  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'x.tfstate'), '{"version": 4}');
  const bad = await vigil(['drift', '--expected', join(dir, 'bad'), '--actual', fixture('actual-clean.json'), '--no-store']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vigil: .*x\.tfstate:1:1: state is missing "resources"\n$/);
});

test('GCP: a baseline export as expected state, drift in buckets, firewalls and service account keys', () => {
  const baseline = importGcpAssets(fixture('gcp-assets.jsonl'), { now });
  const dir = tempDir();
  writeFileSync(join(dir, 'baseline.json'), snapshotJson(baseline));
  const e = loadExpected([join(dir, 'baseline.json')]);
  const s: Snapshot = JSON.parse(snapshotJson(baseline));
  assert.deepEqual(pairs(s, e), []);
  (find(s, 'gcp.bucket', 'acme-backups').attributes.bindings as unknown[]).push({ role: 'roles/storage.objectViewer', members: ['allUsers'] });
  (find(s, 'gcp.firewall', 'allow-ssh').attributes.sourceRanges as string[]).push('::/0');
  s.resources.push({ type: 'gcp.service_account_key', id: 'a1b2c3', attributes: { serviceAccount: 'deployer@acme-prod.iam.gserviceaccount.com', keyType: 'USER_MANAGED' } });
  s.resources.push({ type: 'gcp.service_account', id: 'miner@acme-prod.iam.gserviceaccount.com', attributes: { email: 'miner@acme-prod.iam.gserviceaccount.com' } });
  remove(s, 'gcp.bucket', 'acme-public-assets');
  assert.deepEqual(pairs(s, e), [
    'drift/bucket-public gcp.bucket:acme-backups',
    'drift/missing-resource gcp.bucket:acme-public-assets',
    'drift/source-widened gcp.firewall:allow-ssh ::/0',
    'drift/unexpected-resource gcp.service_account:miner@acme-prod.iam.gserviceaccount.com',
    'drift/unexpected-resource gcp.service_account_key:a1b2c3',
  ]);
  assert.deepEqual(pairs(s), [], 'AWS expected state says nothing about a GCP project');
});
