import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { cloudtrailS3Poller, trailPrefix, type CloudTrailS3Options } from '../../src/pollers/index.js';
import { runPollers, tempDir, testStore } from './helpers.js';
import { SqsServer } from './sqs-server.js';

process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = '1';

const ORG = 'o-a1b2c3d4e5';
const BUCKET = 'org-trail';

async function s3(t: Parameters<typeof tempDir>[0]) {
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: tempDir(t, 's3rver') });
  const { port } = await server.run();
  t.after(() => server.close());
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1' });
  t.after(() => client.destroy());
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return { endpoint, client };
}

let counter = 0;
/** A CloudTrail log file of `n` records, as CloudTrail names and writes it. */
function logFile(account: string, region: string, day: string, n: number) {
  const [y, m, d] = day.split('-');
  const stamp = `${y}${m}${d}T${String(10 + (counter % 50)).padStart(2, '0')}${String(counter % 60).padStart(2, '0')}Z`;
  const key = `${trailPrefix({ prefix: '', organization: ORG }, account, region)}${y}/${m}/${d}/${account}_CloudTrail_${region}_${stamp}_${(counter++).toString(36).padStart(16, 'x')}.json.gz`;
  const records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.08',
    eventID: `${key}#${i}`,
    eventTime: `${day}T10:00:${String(i).padStart(2, '0')}Z`,
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: region,
    recipientAccountId: account,
    sourceIPAddress: '203.0.113.7',
    userIdentity: { type: 'IAMUser', accountId: account, userName: 'alice' },
  }));
  return { key, records };
}

async function put(client: S3Client, key: string, body: Buffer) {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

function options(endpoint: string, extra: Partial<CloudTrailS3Options> = {}): CloudTrailS3Options {
  return {
    bucket: BUCKET, prefix: '', organization: ORG, accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'],
    since: '', endpoint, region: 'us-east-1', queueUrl: '', sqsEndpoint: '', ...extra,
  };
}

const ids = (events: { data: unknown }[]) => events.map((e) => (e.data as { eventID: string }).eventID);

test('reads an organization trail: selected accounts and regions, every object once across a restart, a bad object reported', async (t) => {
  const { endpoint, client } = await s3(t);
  const store = await testStore(t);
  const expected: string[] = [];
  for (const account of ['111111111111', '222222222222', '333333333333']) {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) {
      for (const day of ['2024-03-01', '2024-03-02', '2024-03-03']) {
        const file = logFile(account, region, day, 3);
        await put(client, file.key, gzipSync(JSON.stringify({ Records: file.records })));
        if (account !== '333333333333' && region !== 'ap-south-1') expected.push(...file.records.map((r) => r.eventID));
      }
    }
  }
  const bad = `${trailPrefix({ prefix: '', organization: ORG }, '111111111111', 'eu-west-1')}2024/03/02/111111111111_CloudTrail_eu-west-1_20240302T1200Z_bad.json.gz`;
  await put(client, bad, gzipSync('{"Records": [ not json'));

  // First run: stopped in the middle (after some objects), as a restart would.
  const log: string[] = [];
  const first = await runPollers(store, [cloudtrailS3Poller('trail', options(endpoint))], {
    until: (r) => r.running[0]!.stats.events >= 9,
    log,
  });
  assert.ok(first.events.length >= 9 && first.events.length < expected.length, `stopped midway (${first.events.length})`);

  const second = await runPollers(store, [cloudtrailS3Poller('trail', options(endpoint))], { log });
  const all = [...ids(first.events), ...ids(second.events)];
  assert.deepEqual([...all].sort(), [...expected].sort(), 'every selected event exactly once across the restart');
  assert.equal(log.filter((l) => l.includes(bad)).length, 1, 'the bad object is reported once');
  assert.match(log.find((l) => l.includes(bad))!, /skipped/);

  // New objects arrive: the next run reads only those, listing after its checkpoints.
  const later = logFile('222222222222', 'us-east-1', '2024-03-04', 2);
  await put(client, later.key, gzipSync(JSON.stringify({ Records: later.records })));
  const third = await runPollers(store, [cloudtrailS3Poller('trail', options(endpoint))]);
  assert.deepEqual(ids(third.events), later.records.map((r) => r.eventID));
  assert.equal(third.runner.running[0]!.stats.reads, 1, 'only the new object is read');
});

test('since skips earlier days; an event delivered twice is emitted once', async (t) => {
  const { endpoint, client } = await s3(t);
  const store = await testStore(t);
  const old = logFile('111111111111', 'us-east-1', '2024-02-28', 2);
  const a = logFile('111111111111', 'us-east-1', '2024-03-01', 2);
  const b = logFile('111111111111', 'us-east-1', '2024-03-01', 1);
  for (const f of [old, a]) await put(client, f.key, gzipSync(JSON.stringify({ Records: f.records })));
  // The same event again in a later object (plain JSON, not gzip).
  await put(client, b.key, Buffer.from(JSON.stringify({ Records: [...b.records, a.records[0]] })));
  const { events, runner } = await runPollers(store, [
    cloudtrailS3Poller('trail', options(endpoint, { accounts: ['111111111111'], regions: ['us-east-1'], since: '2024-03-01' })),
  ]);
  assert.deepEqual(ids(events), [...a.records, ...b.records].map((r) => r.eventID));
  assert.equal(runner.running[0]!.stats.duplicates, 1);
});

test('SQS mode reads the objects S3 notifications announce, then deletes the messages', async (t) => {
  const { endpoint, client } = await s3(t);
  const store = await testStore(t);
  const sqs = new SqsServer();
  const sqsEndpoint = await sqs.start();
  t.after(() => sqs.close());
  const file = logFile('222222222222', 'eu-west-1', '2024-03-05', 4);
  const other = logFile('333333333333', 'eu-west-1', '2024-03-05', 1);
  for (const f of [file, other]) await put(client, f.key, gzipSync(JSON.stringify({ Records: f.records })));
  const notification = (key: string) =>
    JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } }] });
  sqs.send(notification(file.key));
  sqs.send(JSON.stringify({ Type: 'Notification', Message: notification(other.key) })); // via SNS, an account not selected
  sqs.send('not json');
  const log: string[] = [];
  const queueUrl = `${sqsEndpoint}/123456789012/trail-events`;
  const { events, runner } = await runPollers(store, [cloudtrailS3Poller('trail', options(endpoint, { queueUrl, sqsEndpoint }))], { log });
  assert.deepEqual(ids(events), file.records.map((r) => r.eventID));
  assert.equal(sqs.queue.length, 0, 'every message deleted once handled');
  assert.equal(sqs.deleted.length, 3);
  assert.equal(runner.running[0]!.stats.errors, 1);
  assert.equal(log.filter((l) => /not JSON/.test(l)).length, 1);
});

test('survives S3 being down: backs off, then resumes once it is back', async (t) => {
  const store = await testStore(t);
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  probe.close();
  const log: string[] = [];
  let started = false;
  const file = logFile('111111111111', 'us-east-1', '2024-03-06', 2);
  // The bucket is filled beforehand, so it has its objects from the moment it answers.
  const directory = tempDir(t, 's3rver');
  const filler = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const client = new S3Client({ endpoint: `http://127.0.0.1:${(await filler.run()).port}`, forcePathStyle: true, region: 'us-east-1' });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await put(client, file.key, gzipSync(JSON.stringify({ Records: file.records })));
  client.destroy();
  await filler.close();
  const { events, runner } = await runPollers(store, [cloudtrailS3Poller('trail', options(`http://127.0.0.1:${port}`))], {
    log,
    until: (r) => {
      const stats = r.running[0]!.stats;
      if (stats.retries >= 2 && !started) {
        started = true;
        const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory });
        void server.run();
        t.after(() => server.close());
      }
      return stats.events === 2;
    },
  });
  assert.deepEqual(ids(events), file.records.map((r) => r.eventID));
  assert.ok(runner.running[0]!.stats.errors >= 2);
  assert.match(log[0]!, /poller trail: .*retrying in \d+ ms from its checkpoint/);
});
