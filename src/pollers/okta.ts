import { own } from '../sources/index.js';
import { getPage } from './http.js';
import type { Poller } from './poller.js';

export interface OktaPollerOptions {
  /** The organization's URL, `https://acme.okta.com`. */
  url: string;
  /** The API token (SSWS), from the environment. */
  token: string;
  /** How far back the first round reads, in ms. */
  lookbackMs: number;
  /** Events per page (Okta allows up to 1000). */
  limit: number;
  maxRateLimitWaitMs: number;
}

/**
 * Okta System Log by polling `/api/v1/logs` in ascending order. Okta always answers with a
 * `next` link, the cursor for events that arrive later; that link is the checkpoint, so a
 * restart asks for exactly the events after the last page handled. A round ends on an
 * empty page.
 */
export function oktaPoller(name: string, o: OktaPollerOptions): Poller {
  const stream = name;
  const api = { headers: { authorization: `SSWS ${o.token}` }, maxRateLimitWaitMs: o.maxRateLimitWaitMs, attempts: 5 };
  return {
    name,
    source: 'okta',
    eventId: (record) => own(record, 'uuid') as string | undefined,
    async poll(ctx) {
      const start = new URL('/api/v1/logs', o.url);
      start.search = new URLSearchParams({
        since: new Date(Date.now() - o.lookbackMs).toISOString(),
        sortOrder: 'ASCENDING',
        limit: String(o.limit),
      }).toString();
      let url = (await ctx.position(stream)) ?? start.toString();
      while (!ctx.signal.aborted) {
        const page = await getPage(url, api, ctx);
        if (!Array.isArray(page.body)) throw new Error(`${o.url}/api/v1/logs: expected a list of events`);
        if (!page.body.length) return;
        const next = page.next ?? url;
        await ctx.emit(page.body, { stream, position: next });
        if (next === url) return;
        url = next;
      }
    },
  };
}
