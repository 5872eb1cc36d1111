import { setTimeout as sleep } from 'node:timers/promises';
import type { PollContext } from './poller.js';

export interface Page {
  body: unknown;
  /** The `rel="next"` link, absolute. */
  next?: string;
}

export interface ApiOptions {
  headers: Record<string, string>;
  /** The longest a rate limit is waited out before the round fails (and backs off). */
  maxRateLimitWaitMs: number;
  /** Tries of one request refused by the rate limit. */
  attempts: number;
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const m = /<([^>]*)>\s*;(?:.*;)?\s*rel="?([^";]*)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes('next')) return new URL(m[1]!, base).toString();
  }
  return undefined;
}

/** How long the server asks us to wait: Retry-After, else the rate limit's reset time (Okta's and GitHub's headers). */
function waitMs(headers: Headers): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset');
  return reset && /^\d+$/.test(reset) ? Math.max(0, Number(reset) * 1000 - Date.now()) : 1000;
}

const remaining = (headers: Headers) => headers.get('x-rate-limit-remaining') ?? headers.get('x-ratelimit-remaining');

/**
 * GETs one page of a paginated JSON API. A 429 (or GitHub's 403 with no requests left) is
 * waited out and retried, counted in `retries`; when the response says no requests remain,
 * the wait comes before returning, so the next page does not hit the limit.
 */
export async function getPage(url: string, o: ApiOptions, ctx: PollContext): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { headers: { accept: 'application/json', ...o.headers }, signal: ctx.signal });
    const limited = res.status === 429 || (res.status === 403 && remaining(res.headers) === '0');
    if (limited && attempt < o.attempts && waitMs(res.headers) <= o.maxRateLimitWaitMs) {
      await res.body?.cancel();
      ctx.stats.retries++;
      await sleep(waitMs(res.headers), undefined, { signal: ctx.signal });
      continue;
    }
    const where = new URL(url);
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET ${where.origin}${where.pathname}: HTTP ${res.status}${limited ? ' (rate limited)' : ''}`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new Error(`GET ${where.origin}${where.pathname}: the response is not JSON: ${(err as Error).message}`);
    }
    ctx.stats.reads++;
    if (remaining(res.headers) === '0') {
      const wait = Math.min(waitMs(res.headers), o.maxRateLimitWaitMs);
      await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
    return { body, next: nextLink(res.headers.get('link'), url) };
  }
}
