import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { detectSource, findSource, sourceWith, type VigilEvent } from '../../src/sources/index.js';
import { holds, readAll, shared, value } from './helpers.js';

const ct = findSource('aws_cloudtrail')!;
const falcoExact = sourceWith('aws_cloudtrail', { falcoBugs: true })!;
const dir = shared('datasets/invictus-aws-stratus-cloudtrail/CloudTrail');
let events: VigilEvent[] = [];

type Rec = Record<string, unknown>;
const find = (pred: (r: Rec) => boolean): VigilEvent => {
  const e = events.find((x) => pred(x.data as Rec));
  assert.ok(e, 'no such record in the dataset');
  return e;
};
const byId = (id: string) => find((r) => r.eventID === id);

before(async () => {
  const read = await readAll(ct, dir);
  assert.deepEqual(read.errors, []);
  events = read.events;
});

test('every record of every CloudTrail file is one event, with its time and origin', () => {
  assert.equal(events.length, 2900);
  const first = events[0]!;
  assert.equal(first.origin, `${dir}/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json:1 [0]`);
  assert.equal(first.timeNs, BigInt(Date.parse('2023-07-10T11:42:36Z')) * 1_000_000n);
});

test('an IAM user stopping CloudTrail, with an error', () => {
  const e = byId('f6e10706-705c-47f2-94d4-112a9527ab8b');
  const v = (f: string) => value(ct, e, f);
  assert.equal(v('ct.name'), 'StopLogging');
  assert.equal(v('ct.src'), 'cloudtrail.amazonaws.com');
  assert.equal(v('ct.shortsrc'), 'cloudtrail');
  assert.equal(v('ct.user'), 'bert-jan');
  assert.equal(v('ct.originaluser'), 'bert-jan');
  assert.equal(v('ct.user.identitytype'), 'IAMUser');
  assert.equal(v('ct.user.arn'), 'arn:aws:iam::123837392027:user/bert-jan');
  assert.equal(v('ct.user.accountid'), '123837392027');
  assert.equal(v('ct.user.principalid'), 'AIDATFQR7NSC5AU2ZV3IE');
  assert.equal(v('ct.srcip'), '192.168.10.20');
  assert.equal(v('ct.region'), 'us-east-1');
  assert.equal(v('ct.error'), 'TrailNotFoundException');
  assert.match(v('ct.errormessage') as string, /^Unknown trail: arn:aws:cloudtrail/);
  assert.equal(v('ct.request.name'), 'stratus-red-team-ct-stop-trail-qzbgnfqisx');
  assert.equal(v('ct.request'), '{"name":"stratus-red-team-ct-stop-trail-qzbgnfqisx"}');
  assert.equal(v('ct.response'), 'null'); // present, JSON null
  assert.equal(v('ct.readonly'), 'false');
  assert.equal(v('ct.managementevent'), 'true');
  assert.equal(v('ct.eventtype'), 'AwsApiCall');
  assert.equal(v('ct.eventcategory'), 'Management');
  assert.equal(v('ct.time'), '2023-07-10T12:01:27Z');
  assert.equal(v('ct.tlsdetails.tlsversion'), 'TLSv1.2');
  assert.equal(v('ct.tlsdetails.clientprovidedhostheader'), 'cloudtrail.us-east-1.amazonaws.com');
  assert.equal(v('ct.useragent'), 'stratus-red-team_e27c7b82-502b-4432-a99a-be984762c413');
  assert.equal(v('ct.info'), 'bert-jan via 192.168.10.20 !→ StopLogging');
  for (const absent of ['ct.resources', 'ct.vpcendpointid', 's3.bucket', 's3.bytes', 'ct.additionaleventdata', 'ct.request.username', 'ec2.name', 'ec2.imageids']) {
    assert.equal(v(absent), undefined, absent);
  }
  assert.equal(v('s3.cnt.other'), 1);
  assert.equal(v('s3.cnt.get'), undefined); // absent, not 0
  assert.equal(holds(ct, 'ct.name in (StopLogging, DeleteTrail, UpdateTrail) and not ct.error exists', e), false);
  assert.equal(holds(ct, 'ct.name=StopLogging and ct.error exists and ct.readonly=false', e), true);
  assert.equal(holds(ct, 'jevt.value[/requestParameters/name] startswith stratus-red-team', e), true);
});

test('an assumed role, an AWS service, and an identity without a type', () => {
  const role = find((r) => (r.userIdentity as Rec).type === 'AssumedRole' && r.eventName === 'GetPasswordData');
  assert.equal(value(ct, role, 'ct.user'), 'stratus-red-team-ec2-get-password-data-role');
  assert.equal(value(ct, role, 'ct.originaluser'), 'aws-go-sdk-1688990082523310002'); // last part of the arn
  assert.equal(value(ct, role, 'ct.user.identitytype'), 'AssumedRole');
  const svc = find((r) => (r.userIdentity as Rec).invokedBy === 'inspector2.amazonaws.com' && r.eventName === 'AssumeRole');
  assert.equal(value(ct, svc, 'ct.user'), 'inspector2.amazonaws.com');
  assert.equal(value(ct, svc, 'ct.user.accountid'), '123837392027'); // no userIdentity.accountId: recipientAccountId
  assert.equal(value(ct, svc, 'ct.info'), 'inspector2.amazonaws.com ← AssumeRole'); // user == srcip: no "via"; read-only: ←
  const untyped = byId('895dc875-cb08-45a5-b8c2-9158838741c0');
  assert.equal(value(ct, untyped, 'ct.user'), undefined);
  assert.equal(value(ct, untyped, 'ct.user.identitytype'), undefined);
  assert.equal(value(ct, untyped, 'ct.info'), '<invalid cloudtrail event: userIdentity field missing>');
  assert.equal(value(ct, untyped, 'ct.sharedeventid'), 'b81f7fe5-36b5-49ea-bbc9-6a9007e733c0');
  // serviceEventDetails is an object: its JSON text, or "" as upstream reads it.
  assert.equal(value(ct, untyped, 'ct.serviceeventdetails'), '{"snapshotId":"snap-0e83092ae538da583"}');
  assert.equal(value(falcoExact, untyped, 'ct.serviceeventdetails'), '');
  assert.equal(holds(ct, 'ct.user.identitytype != Root', untyped), false); // absent: != is false too
});

test('S3: bucket, host, bytes transferred, resources, the info line', () => {
  const e = find((r) => r.eventID === '3c856bc0-1a07-4c18-89d9-4d9205856714');
  assert.equal(value(ct, e, 's3.bucket'), 'baker221b-bucketssecuritylogsbef08b3e-13nrzhi7fcs7w');
  assert.equal(value(ct, e, 's3.key'), undefined);
  assert.equal(value(ct, e, 's3.uri'), undefined); // needs both bucket and key
  assert.equal(value(ct, e, 's3.bytes'), 326);
  assert.equal(value(ct, e, 's3.bytes.in'), 0);
  assert.equal(value(ct, e, 's3.bytes.out'), 326);
  assert.equal(value(ct, e, 'ct.request.host'), 'baker221b-bucketssecuritylogsbef08b3e-13nrzhi7fcs7w.s3.us-east-1.amazonaws.com');
  assert.equal(value(ct, e, 'ct.resources'), '{"accountId":"123837392027","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::baker221b-bucketssecuritylogsbef08b3e-13nrzhi7fcs7w"}');
  assert.equal(value(ct, e, 'ct.vpcendpointid'), 'vpce-f40dc59d');
  assert.equal(value(ct, e, 'ct.info'), 'benjamin via 10.248.16.43 ← GetBucketPublicAccessBlock Size=326 Bucket=baker221b-bucketssecuritylogsbef08b3e-13nrzhi7fcs7w');
  assert.equal(holds(ct, 's3.bytes > 300 and s3.bytes < 400', e), true);
  assert.equal(holds(ct, 'ct.readonly=true and ct.resources contains "AWS::S3::Bucket"', e), true);
  // A bucket policy: requestParameters.policy is "" in this record, present.
  const policy = find((r) => r.eventName === 'PutBucketPolicy');
  assert.equal(value(ct, policy, 'ct.request.policy'), '');
  assert.equal(holds(ct, 'ct.request.policy exists', policy), true);
});

test('EC2: instance image ids, tags, reservation; SSM document names (an upstream bug)', () => {
  const run = find((r) => r.eventName === 'RunInstances' && r.errorCode === undefined);
  assert.deepEqual(value(ct, run, 'ec2.imageids'), ['ami-029eb80bc237bec6f']);
  assert.deepEqual(value(ct, run, 'ec2.imageids', '0'), ['ami-029eb80bc237bec6f']);
  assert.equal(value(ct, run, 'ec2.imageids', '1'), undefined);
  assert.equal(value(ct, run, 'ec2.imageid'), 'ami-029eb80bc237bec6f');
  assert.equal(value(ct, run, 'ec2.name'), undefined); // its only tag is not "Name"
  assert.equal(value(ct, run, 'ct.response.reservationid'), 'r-0ac0088de73525c3c');
  const failed = find((r) => r.eventName === 'RunInstances' && r.errorCode !== undefined);
  assert.deepEqual(value(ct, failed, 'ec2.imageids'), undefined); // no response: requestParameters.imageId is not there either
  const send = find((r) => r.eventName === 'SendCommand');
  assert.equal(value(ct, send, 'ct.request.documentname'), 'AWS-RunShellScript');
  assert.equal(value(falcoExact, send, 'ct.request.documentname'), undefined); // never set upstream
  assert.equal(holds(ct, 'ct.request.documentname = AWS-RunShellScript', send), true);
  assert.equal(holds(falcoExact, 'ct.request.documentname = AWS-RunShellScript', send), false);
  assert.equal(holds(ct, 'jevt.value[/requestParameters/interactive] = false', send), true);
});

test('console sign-in without MFA, access keys for another user', () => {
  const login = find((r) => r.eventName === 'ConsoleLogin');
  assert.equal(value(ct, login, 'ct.additionaleventdata'), '{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"No"}');
  assert.equal(value(ct, login, 'ct.request'), 'null');
  assert.equal(holds(ct, 'ct.name=ConsoleLogin and json.value[/additionalEventData/MFAUsed]=No and json.value[/responseElements/ConsoleLogin]=Success', login), true);
  const key = find((r) => r.eventName === 'CreateAccessKey');
  assert.equal(value(ct, key, 'ct.request.username'), 'stratus-red-team-backdoor-u-user');
  assert.equal(holds(ct, 'ct.name=CreateAccessKey and ct.request.username != ct.user', key), true);
  assert.equal(holds(ct, 'ct.name=CreateAccessKey and ct.request.username != val(ct.user)', key), true);
});

test('sessionCredentialFromConsole is a string in real records: upstream only takes a JSON true', () => {
  const e = find((r) => r.sessionCredentialFromConsole === 'true');
  assert.equal(value(ct, e, 'ct.sessioncredentialfromconsole'), 'true');
  assert.equal(value(falcoExact, e, 'ct.sessioncredentialfromconsole'), 'false');
});

test('non-string values where upstream expects strings, S3 objects, public access blocks', () => {
  const rec = {
    eventVersion: '1.08', eventName: 'PutObject', eventSource: 's3.amazonaws.com', eventID: 42, readOnly: 'no',
    userIdentity: { type: 'Root', userName: 'root' }, sourceIPAddress: '1.2.3.4',
    requestParameters: { bucketName: 'b', key: 'k/1.txt', Host: 'b.s3.amazonaws.com' },
    additionalEventData: { bytesTransferredIn: 10.9, bytesTransferredOut: 0 },
    addendum: { updatedFields: { x: 1 }, reason: 'DELIVERY_DELAY' },
  };
  assert.equal(value(ct, rec, 'ct.id'), '42');
  assert.equal(value(falcoExact, rec, 'ct.id'), ''); // read as a Go string: present, empty
  assert.equal(value(ct, rec, 'ct.readonly'), 'false'); // any non-true value
  assert.equal(value(ct, rec, 's3.uri'), 's3://b/k/1.txt');
  assert.equal(value(ct, rec, 's3.bytes'), 10);
  assert.equal(value(ct, rec, 's3.cnt.put'), 1);
  assert.equal(value(ct, rec, 's3.cnt.other'), undefined);
  assert.equal(value(ct, rec, 'ct.addendum.reason'), 'DELIVERY_DELAY');
  assert.equal(value(ct, rec, 'ct.addendum.updatedfields'), '{"x":1}');
  assert.equal(value(falcoExact, rec, 'ct.addendum.updatedfields'), '');
  assert.equal(value(ct, rec, 'ct.info'), 'root via 1.2.3.4 → PutObject Size=10 URI=s3://b/k/1.txt');
  const block = {
    ...rec, eventName: 'PutBucketPublicAccessBlock', readOnly: false,
    requestParameters: { bucketName: 'b', PublicAccessBlockConfiguration: { BlockPublicAcls: false, BlockPublicPolicy: true, IgnorePublicAcls: false, RestrictPublicBuckets: true } },
  };
  assert.equal(value(ct, block, 'ct.info'),
    'root via 1.2.3.4 → PutBucketPublicAccessBlock BlockPublicAcls=false BlockPublicPolicy=true IgnorePublicAcls=false RestrictPublicBuckets=true ');
  const tagged = { ...rec, eventName: 'RunInstances', requestParameters: { imageId: 'ami-1', tagSpecificationSet: { items: [
    { resourceType: 'volume', tags: [{ key: 'Name', value: 'vol' }] },
    { resourceType: 'instance', tags: [{ key: 'Owner', value: 'x' }, { key: 'Name', value: 'web-1' }] },
  ] } } };
  assert.equal(value(ct, tagged, 'ec2.name'), 'web-1');
  assert.deepEqual(value(ct, tagged, 'ec2.imageids'), ['ami-1']); // no instancesSet in the response: the request's image
  assert.equal(value(ct, tagged, 'ec2.imageids', '1'), undefined);
});

test('framing: a CloudTrail file, one record, an array of records', () => {
  const rec = { eventVersion: '1.08', eventName: 'X', eventSource: 'y.amazonaws.com' };
  assert.deepEqual(ct.frame({ Records: [rec, rec] }), [rec, rec]);
  assert.deepEqual(ct.frame(rec), [rec]);
  assert.deepEqual(ct.frame([rec]), [rec]);
  assert.equal(ct.frame({ kind: 'Event' }), undefined);
  const bridge = { version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: rec };
  assert.deepEqual(ct.frame(bridge), [rec]);
  assert.equal(detectSource(bridge), 'aws_cloudtrail');
  assert.equal(detectSource({ Records: [] }), 'aws_cloudtrail');
});

test('the evt.* fields: number in the stream, time, source, plugin and its summary', () => {
  const i = events.findIndex((e) => (e.data as Rec).eventID === 'f6e10706-705c-47f2-94d4-112a9527ab8b');
  const e = events[i]!;
  assert.equal(value(ct, e, 'evt.num'), i + 1);
  assert.equal(value(ct, e, 'evt.time.iso8601'), '2023-07-10T12:01:27.000000000Z');
  assert.equal(value(ct, e, 'evt.time'), '12:01:27.000000000');
  assert.equal(value(ct, e, 'evt.time.s'), '12:01:27');
  assert.equal(value(ct, e, 'evt.datetime'), '2023-07-10 12:01:27.000000000');
  assert.equal(value(ct, e, 'evt.datetime.s'), '2023-07-10 12:01:27');
  assert.equal(value(ct, e, 'evt.rawtime.s'), Date.parse('2023-07-10T12:01:27Z') / 1000);
  assert.equal(value(ct, e, 'evt.rawtime.ns'), 0);
  assert.equal(value(ct, e, 'evt.source'), 'aws_cloudtrail');
  assert.equal(value(ct, e, 'evt.pluginname'), 'cloudtrail');
  assert.equal(value(ct, e, 'evt.plugininfo'), 'bert-jan via 192.168.10.20 !→ StopLogging');
  assert.equal(holds(ct, 'evt.num > 0', e), true); // the official "All Cloudtrail Events" rule
  assert.equal(holds(ct, 'evt.rawtime > 1688990000000000000', e), true);
});
