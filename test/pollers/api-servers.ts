import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'pollers', name), 'utf8')) as T;

/**
 * A loopback HTTP server holding a log of events and answering one paginated API over it.
 * It can be down (503), refuse with the rate limit on chosen requests, and records every
 * request it was sent.
 */
export abstract class LogServer<E> {
  readonly requests: URL[] = [];
  down = false;
  /** Request numbers (from 1) answered with the API's rate-limit refusal instead. */
  limited = new Set<number>();
  url = '';
  private server: Server = createServer((req, res) => this.handle(req, res));

  constructor(
    readonly events: E[],
    private readonly token: string,
  ) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  protected abstract authorization(token: string): string;
  protected abstract refuse(res: ServerResponse): void;
  protected abstract page(url: URL, res: ServerResponse): void;

  protected send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, this.url);
    this.requests.push(url);
    if (this.down) return this.send(res, 503, { message: 'Service Unavailable' });
    if (req.headers.authorization !== this.authorization(this.token)) return this.send(res, 401, { message: 'Bad credentials' });
    if (this.limited.has(this.requests.length)) return this.refuse(res);
    this.page(url, res);
  }
}

interface OktaEvent {
  uuid: string;
  published: string;
}

/**
 * `/api/v1/logs` as Okta answers it: `since`, `after` (an opaque cursor), `limit`,
 * ascending order, a `next` link on every page (even the last, for polling), and the
 * X-Rate-Limit-* headers; a refusal is a 429 with the reset time.
 */
export class OktaServer extends LogServer<OktaEvent> {
  protected authorization(token: string) {
    return `SSWS ${token}`;
  }

  private rateHeaders(remaining: number) {
    return { 'x-rate-limit-limit': '120', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000)) };
  }

  protected refuse(res: ServerResponse) {
    this.send(res, 429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }, this.rateHeaders(0));
  }

  protected page(url: URL, res: ServerResponse) {
    if (url.pathname !== '/api/v1/logs') return this.send(res, 404, { errorCode: 'E0000022' });
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const after = url.searchParams.get('after');
    const since = Date.parse(url.searchParams.get('since') ?? '1970-01-01T00:00:00Z');
    const from = after ? Number(Buffer.from(after, 'base64url').toString()) : this.events.findIndex((e) => Date.parse(e.published) >= since);
    const start = from < 0 ? this.events.length : from;
    const page = this.events.slice(start, start + limit);
    const cursor = Buffer.from(String(start + page.length)).toString('base64url');
    const self = `<${url.toString()}>; rel="self"`;
    const next = `<${this.url}/api/v1/logs?limit=${limit}&after=${cursor}&sortOrder=ASCENDING>; rel="next"`;
    this.send(res, 200, page, { link: `${self}, ${next}`, ...this.rateHeaders(100) });
  }
}

interface AuditEntry {
  '@timestamp': number;
  _document_id: string;
}

/**
 * `/orgs/{org}/audit-log` as GitHub answers it: `phrase=created:>=…`, `order=asc`,
 * `per_page`, an `after` cursor in the `next` link while more entries remain, and the
 * x-ratelimit-* headers; a refusal is a 403 with none remaining.
 */
export class GithubAuditServer extends LogServer<AuditEntry> {
  constructor(
    events: AuditEntry[],
    token: string,
    private readonly org: string,
  ) {
    super(events, token);
  }

  protected authorization(token: string) {
    return `Bearer ${token}`;
  }

  private rateHeaders(remaining: number) {
    return { 'x-ratelimit-limit': '1750', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)), 'x-ratelimit-resource': 'audit_log' };
  }

  protected refuse(res: ServerResponse) {
    this.send(res, 403, { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' }, this.rateHeaders(0));
  }

  protected page(url: URL, res: ServerResponse) {
    if (url.pathname !== `/orgs/${this.org}/audit-log`) return this.send(res, 404, { message: 'Not Found' });
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const created = /created:>=(\S+)/.exec(url.searchParams.get('phrase') ?? '');
    const since = created ? Date.parse(created[1]!) : 0;
    const matching = this.events.filter((e) => e['@timestamp'] >= since);
    const after = url.searchParams.get('after');
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const page = matching.slice(start, start + perPage);
    const headers: Record<string, string> = this.rateHeaders(1000);
    if (start + page.length < matching.length) {
      const next = new URL(url);
      next.searchParams.set('after', Buffer.from(String(start + page.length)).toString('base64url'));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    this.send(res, 200, page, headers);
  }
}
