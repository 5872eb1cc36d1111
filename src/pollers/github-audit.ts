import { githubDelivery, own } from '../sources/index.js';
import { getPage } from './http.js';
import type { Poller } from './poller.js';

export interface GithubAuditOptions {
  organization: string;
  /** The API's URL (`https://api.github.com`, or GitHub Enterprise Server's `https://host/api/v3`). */
  url: string;
  token: string;
  lookbackMs: number;
  perPage: number;
  maxRateLimitWaitMs: number;
}

/** Where the organization's log has been read to: the newest time, and the entries at exactly that time. */
interface Position {
  ms: number;
  ids: string[];
}

const entryMs = (e: unknown) => Number(own(e, '@timestamp') ?? own(e, 'created_at'));
const entryId = (e: unknown) => own(e, '_document_id') as string | undefined;

/**
 * A GitHub organization's audit log (`/orgs/{org}/audit-log`), oldest first, following
 * `Link` pages. The log's cursors do not reach events that arrive later, so each round asks
 * for `created:>=` the newest time read; the checkpoint keeps that time and the ids of the
 * entries at it, so a restart repeats none. Entries are `github` events of type `audit_log`.
 */
export function githubAuditPoller(name: string, o: GithubAuditOptions): Poller {
  const stream = name;
  const api = {
    headers: { authorization: `Bearer ${o.token}`, 'x-github-api-version': '2022-11-28' },
    maxRateLimitWaitMs: o.maxRateLimitWaitMs,
    attempts: 5,
  };
  return {
    name,
    source: 'github',
    eventId: entryId,
    async poll(ctx) {
      const saved = await ctx.position(stream);
      let at: Position = saved ? (JSON.parse(saved) as Position) : { ms: Date.now() - o.lookbackMs, ids: [] };
      const first = new URL(`${o.url.replace(/\/$/, '')}/orgs/${encodeURIComponent(o.organization)}/audit-log`);
      first.search = new URLSearchParams({
        phrase: `created:>=${new Date(at.ms).toISOString().replace(/\.\d+Z$/, 'Z')}`,
        include: 'all',
        order: 'asc',
        per_page: String(o.perPage),
      }).toString();
      let url: string | undefined = first.toString();
      while (url && !ctx.signal.aborted) {
        const page = await getPage(url, api, ctx);
        if (!Array.isArray(page.body)) throw new Error(`${first.origin}${first.pathname}: expected a list of audit log entries`);
        // The phrase is to the second: drop what the checkpoint has already seen.
        const fresh = page.body.filter((e) => entryMs(e) > at.ms || (entryMs(e) === at.ms && !at.ids.includes(entryId(e) ?? '')));
        for (const e of fresh) {
          const ms = entryMs(e);
          at = ms > at.ms ? { ms, ids: [entryId(e) ?? ''] } : { ms, ids: [...at.ids, entryId(e) ?? ''] };
        }
        if (fresh.length) {
          await ctx.emit(
            fresh.map((e) => githubDelivery('audit_log', e as Record<string, unknown>)),
            { stream, position: JSON.stringify(at) },
          );
        }
        url = page.next;
      }
    },
  };
}
