import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Compares secrets in constant time, whatever their lengths (both are hashed first). */
export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function githubSignatureValid(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  return secretsEqual(header, expected);
}

/** `Authorization: Bearer <token>`. */
export function bearerValid(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && secretsEqual(m[1]!.trim(), token);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface AuthOptions {
  /** Bearer token for /ingest/k8s_audit and /ingest/:source. */
  ingestToken?: string;
  /** Bearer token for /api/*. */
  apiToken?: string;
  /** GitHub webhook secret. */
  githubSecret?: string;
  /** The exact Authorization header value Okta is configured to send. */
  oktaAuthorization?: string;
}

export type BearerPolicy = { kind: 'token'; token: string } | { kind: 'open' } | { kind: 'refuse' };

/** A bearer endpoint's policy: its token if set; open on loopback only; otherwise refused. */
export function bearerPolicy(token: string | undefined, host: string): BearerPolicy {
  if (token) return { kind: 'token', token };
  return isLoopback(host) ? { kind: 'open' } : { kind: 'refuse' };
}

/** One line per endpoint group saying how it is protected, and how to protect it. */
export function authSummary(auth: AuthOptions, host: string): string[] {
  const bearer = (what: string, token: string | undefined, env: string) => {
    const policy = bearerPolicy(token, host);
    if (policy.kind === 'token') return `${what}: bearer token required`;
    if (policy.kind === 'open') return `${what}: open on loopback without a token (set ${env} to require one)`;
    return `${what}: REFUSING every request: bound to ${host} with no token; set ${env}`;
  };
  return [
    bearer('ingest (/ingest/k8s_audit, /ingest/:source)', auth.ingestToken, 'VIGIL_INGEST_TOKEN'),
    bearer('REST API (/api/*)', auth.apiToken, 'VIGIL_API_TOKEN'),
    auth.githubSecret
      ? 'GitHub webhooks (/ingest/github): X-Hub-Signature-256 verified'
      : 'GitHub webhooks (/ingest/github): REFUSING every delivery: no secret; set VIGIL_GITHUB_SECRET',
    auth.oktaAuthorization
      ? 'Okta event hooks (/ingest/okta): Authorization header verified'
      : 'Okta event hooks (/ingest/okta): REFUSING every delivery: no secret; set VIGIL_OKTA_AUTHORIZATION',
  ];
}
