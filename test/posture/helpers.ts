import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudTrailEvent } from '../../src/posture/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tests run from dist/test/posture). */
export const root = join(here, '..', '..', '..');
export const fixture = (...parts: string[]) => join(root, 'test', 'fixtures', 'posture', ...parts);
export const cloudtrailDir = join(root, '..', 'shared', 'datasets', 'invictus-aws-stratus-cloudtrail', 'CloudTrail');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-posture-'));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `vigil` CLI as a real child process. */
export function vigil(args: string[], cwd = root): Promise<CliResult> {
  return vigilWithEnv(args, {}, cwd);
}

/** The same with extra environment variables (AWS credentials for the standard chain). */
export function vigilWithEnv(args: string[], env: Record<string, string>, cwd = root): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), ...args], { cwd, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A PutBucketAcl request that grants READ to everyone (AllUsers), as CloudTrail records it. */
export const PUBLIC_READ_ACL = {
  bucketName: 'acme-data',
  acl: '',
  AccessControlPolicy: {
    Owner: { ID: 'owner-canonical-id' },
    AccessControlList: {
      Grant: [
        { Grantee: { 'xsi:type': 'CanonicalUser', ID: 'owner-canonical-id' }, Permission: 'FULL_CONTROL' },
        { Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
      ],
    },
  },
};

/** A CloudTrail record of one call by mallory (made by hand: the dataset lacks most of these calls). */
export function cloudTrailCall(eventName: string, eventSource: string, requestParameters: Record<string, unknown>, extra: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  return {
    eventName,
    eventSource,
    eventTime: '2026-11-25T09:30:00Z',
    eventID: `hand-made-${eventName}-${JSON.stringify(requestParameters).length}`,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: '[aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0]',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', userName: 'mallory', accessKeyId: 'AKIAMALLORY0EXAMPLE' },
    requestParameters,
    responseElements: null,
    ...extra,
  };
}

/** A `vigil serve` child process, started and listening. */
export interface ServeProcess {
  url: string;
  /** What it has written to stderr so far. */
  said(): string;
  /** Asks it to stop (SIGTERM) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `vigil serve` with `args` in `cwd` and waits until it listens; it is killed after the test. */
export async function startServe(t: { after(fn: () => void): void }, args: string[], cwd: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'serve', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => proc.kill('SIGKILL'));
  let said = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const m = /listening on (http:\S+)/.exec(said);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', () => reject(new Error(said)));
  });
  return {
    url,
    said: () => said,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}
