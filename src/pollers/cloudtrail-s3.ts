import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { frameCloudTrail } from '../sources/aws_cloudtrail/index.js';
import { own } from '../sources/index.js';
import type { PollContext, Poller } from './poller.js';

export interface CloudTrailS3Options {
  bucket: string;
  /** What comes before `AWSLogs/` (a trail's S3 key prefix), without trailing slash; '' for none. */
  prefix: string;
  /** The organization id of an organization trail (`o-…`); '' for a single-account trail. */
  organization: string;
  accounts: string[];
  regions: string[];
  /** The first day read when a stream has no checkpoint yet (YYYY-MM-DD); '' for everything. */
  since: string;
  /** An S3-compatible endpoint (path-style addressing); '' for AWS. */
  endpoint: string;
  /** The client's region. */
  region: string;
  /** When set, objects are read as S3 event notifications on this queue announce them, instead of listing. */
  queueUrl: string;
  sqsEndpoint: string;
}

/** The key prefix of one account's and region's log files (organization-trail layout). */
export function trailPrefix(o: Pick<CloudTrailS3Options, 'prefix' | 'organization'>, account: string, region: string): string {
  return [o.prefix, 'AWSLogs', o.organization, account, 'CloudTrail', region].filter(Boolean).join('/') + '/';
}

const isLogFile = (key: string) => /\.json(\.gz)?$/.test(key);

/**
 * CloudTrail log files from S3. Each selected account and region is a stream whose keys
 * sort by delivery time (…/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<id>.json.gz),
 * so listing starts after the last key read: the bucket is never listed whole, and the
 * checkpoint (that key, committed once the object's alerts are safe) makes a restart
 * neither skip nor repeat an object. With a queue, S3 event notifications drive it instead;
 * a message is deleted once its objects are handled.
 */
export function cloudtrailS3Poller(name: string, o: CloudTrailS3Options): Poller {
  const s3 = new S3Client({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}) });
  const sqs = o.queueUrl ? new SQSClient({ region: o.region, ...(o.sqsEndpoint ? { endpoint: o.sqsEndpoint } : {}) }) : undefined;
  const prefixes = o.accounts.flatMap((a) => o.regions.map((r) => trailPrefix(o, a, r)));

  /** The records of one object, or undefined (reported) when it is not a CloudTrail file. */
  async function read(key: string, ctx: PollContext): Promise<unknown[] | undefined> {
    const got = await s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    ctx.stats.reads++;
    try {
      const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
      const records = frameCloudTrail(JSON.parse(text));
      if (!records) throw new Error('not a CloudTrail log file (no Records)');
      return records;
    } catch (err) {
      ctx.stats.errors++;
      ctx.log(`vigil: poller ${name}: s3://${o.bucket}/${key}: skipped: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }

  async function list(prefix: string, ctx: PollContext): Promise<void> {
    const stream = `${name}:${prefix}`;
    // StartAfter counts on the first page only; later pages follow the continuation token.
    const after = (await ctx.position(stream)) ?? (o.since ? `${prefix}${o.since.replace(/-/g, '/')}` : undefined);
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: o.bucket, Prefix: prefix, StartAfter: after, ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        if (ctx.signal.aborted) return;
        if (!Key || !isLogFile(Key)) continue;
        await ctx.emit((await read(Key, ctx)) ?? [], { stream, position: Key });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && !ctx.signal.aborted);
  }

  /** Object keys a notification message announces (S3 event, possibly inside an SNS envelope). */
  function announced(body: string): Array<{ bucket: string; key: string }> {
    let doc: unknown = JSON.parse(body);
    if (typeof own(doc, 'Message') === 'string') doc = JSON.parse(own(doc, 'Message') as string);
    const records = own(doc, 'Records');
    if (!Array.isArray(records)) return [];
    return records.flatMap((r) => {
      const bucket = own(own(own(r, 's3'), 'bucket'), 'name');
      const key = own(own(own(r, 's3'), 'object'), 'key');
      if (typeof bucket !== 'string' || typeof key !== 'string') return [];
      return [{ bucket, key: decodeURIComponent(key.replace(/\+/g, ' ')) }];
    });
  }

  async function drainQueue(ctx: PollContext): Promise<void> {
    while (!ctx.signal.aborted) {
      const { Messages = [] } = await sqs!.send(new ReceiveMessageCommand({ QueueUrl: o.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (!Messages.length) return;
      for (const m of Messages) {
        ctx.stats.reads++;
        let objects: Array<{ bucket: string; key: string }> = [];
        try {
          objects = announced(m.Body ?? '');
        } catch (err) {
          ctx.stats.errors++;
          ctx.log(`vigil: poller ${name}: message ${m.MessageId}: skipped: not JSON: ${(err as Error).message}`);
        }
        for (const { bucket, key } of objects) {
          if (bucket !== o.bucket || !isLogFile(key) || !prefixes.some((p) => key.startsWith(p))) continue;
          await ctx.emit((await read(key, ctx)) ?? []);
        }
        await sqs!.send(new DeleteMessageCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }

  return {
    name,
    source: 'aws_cloudtrail',
    eventId: (record) => own(record, 'eventID') as string | undefined,
    async poll(ctx) {
      if (sqs) return drainQueue(ctx);
      for (const prefix of prefixes) {
        if (ctx.signal.aborted) return;
        await list(prefix, ctx);
      }
    },
    close() {
      s3.destroy();
      sqs?.destroy();
    },
  };
}
