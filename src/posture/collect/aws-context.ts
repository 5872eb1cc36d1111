/**
 * What every AWS read shares: one client per service and region (credentials from the
 * standard chain, the SDK's standard retry strategy), the account, and what to do when a
 * call fails: a warning and an unknown attribute (a whole-account collection), or a
 * failed read (one resource refreshed, where a guess would hide the event's result).
 */
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { UserError } from '../../util/errors.js';

export interface AwsCollectOptions {
  /** Region for global calls and region discovery; default: the SDK's region chain, else us-east-1. */
  region?: string;
  /** Collect only these regions instead of every enabled one. */
  regions?: string[];
  /** One endpoint for every service (LocalStack, a recorded-response server). */
  endpoint?: string;
  credentials?: NonNullable<ConstructorParameters<typeof STSClient>[0]>['credentials'];
  /** Options of the SDK's Node HTTP handler, passed to every client, e.g. `{ httpAgent }`. */
  requestHandler?: unknown;
  /** Attempts per call, throttling included (SDK standard retry mode). */
  maxAttempts?: number;
  now?: Date;
}

type ClientClass<C> = new (config: Record<string, unknown>) => C;

export interface Ctx {
  account: string;
  home: string;
  client<C>(Class: ClientClass<C>, region?: string, extra?: Record<string, unknown>): C;
  /** The call's result; when it fails, undefined and a warning, or (strict) the error. A resource that is gone is always the error. */
  attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined>;
}

export interface Clients {
  home: string;
  client: Ctx['client'];
  destroy(): void;
}

export function awsClients(options: AwsCollectOptions): Clients {
  const home = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const clients = new Map<string, { destroy(): void }>();
  const client = <C>(Class: ClientClass<C>, region = home, extra: Record<string, unknown> = {}): C => {
    const key = `${Class.name}:${region}`;
    if (!clients.has(key)) {
      const made = new Class({
        region,
        retryMode: 'standard',
        maxAttempts: options.maxAttempts ?? 6,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
        ...extra,
      });
      clients.set(key, made as { destroy(): void });
    }
    return clients.get(key) as C;
  };
  return { home, client, destroy: () => clients.forEach((c) => c.destroy()) };
}

/** The account the credentials belong to; no or bad credentials are the user's to fix, said in one line. */
export async function callerAccount(clients: Clients): Promise<string> {
  try {
    const identity = await clients.client(STSClient).send(new GetCallerIdentityCommand({}));
    return identity.Account!;
  } catch (err) {
    throw new UserError(`AWS: cannot tell which account these credentials belong to (${(err as Error).name}: ${(err as Error).message.split('\n')[0]})`);
  }
}

/** Errors that mean the resource read does not exist (any more). */
const GONE = new Set(['NoSuchEntity', 'NoSuchEntityException', 'NoSuchBucket', 'InvalidGroup.NotFound', 'TrailNotFoundException', 'NotFoundException']);

const codeOf = (err: unknown) => {
  const e = err as { name?: string; Code?: string };
  return [e.name ?? '', e.Code ?? ''];
};

export const isGone = (err: unknown): boolean => codeOf(err).some((c) => GONE.has(c));

/** A context whose failed calls are warnings (`warnings` given) or errors (strict). */
export function awsContext(clients: Clients, account: string, warnings?: string[]): Ctx {
  return {
    account,
    home: clients.home,
    client: clients.client,
    attempt: async (what, call) => {
      try {
        return await call();
      } catch (err) {
        if (!warnings || isGone(err)) throw err;
        warnings.push(`${what}: ${(err as Error).name}: ${(err as Error).message}`);
        return undefined;
      }
    },
  };
}

/** The resource `read` returns, or null when a call says it does not exist. */
export async function unlessGone<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (isGone(err)) return null;
    throw err;
  }
}

/** A call whose "does not exist" error means null (no policy, no encryption, no password policy). */
export async function orNull<T>(call: () => Promise<T>, ...absent: string[]): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (codeOf(err).some((c) => absent.includes(c))) return null;
    throw err;
  }
}

export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Maps with at most `limit` calls in flight (IAM and S3 throttle hard). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);
