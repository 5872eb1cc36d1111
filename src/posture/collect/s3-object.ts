import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { UserError } from '../../util/errors.js';
import type { AwsCollectOptions } from './aws.js';

/** Reads one object, e.g. a Terraform S3 backend's state: `s3://bucket/key`. */
export async function readS3Object(url: string, options: Pick<AwsCollectOptions, 'region' | 'endpoint' | 'credentials' | 'requestHandler' | 'maxAttempts'> = {}): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new UserError(`${url}: not an S3 object URL (s3://bucket/key)`);
  const client = new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    followRegionRedirects: true,
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? 6,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler as never } : {}),
  });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: m[1]!, Key: m[2]! }));
    return await object.Body!.transformToString('utf8');
  } catch (err) {
    throw new UserError(`${url}: cannot read Terraform state: ${(err as Error).name}: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    client.destroy();
  }
}
