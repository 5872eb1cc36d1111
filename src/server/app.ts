import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Backpressure, type Pipeline } from '../engine/index.js';
import { parsePriority } from '../records/index.js';
import { githubDelivery, type Source, type VigilEvent } from '../sources/index.js';
import { findingsLimit, type AlertQuery, type AlertStore, type FindingFilter, type FindingQuery, type FindingStore } from '../store/index.js';
import { UserError } from '../util/errors.js';
import { parseDuration } from '../config/duration.js';
import { bearerPolicy, bearerValid, githubSignatureValid, secretsEqual, type AuthOptions } from './auth.js';
import type { Metrics, RejectReason } from './metrics.js';

export interface AppOptions {
  host: string;
  /** Largest request body accepted, in bytes (413 beyond). */
  bodyLimit: number;
  auth: AuthOptions;
  /** The sources events may be sent for, by name. */
  findSource: (name: string) => Source | undefined;
  pipeline: Pipeline;
  store: AlertStore;
  findings: FindingStore;
  metrics: Metrics;
  /** Extra facts for /healthz. */
  health?: () => Record<string, unknown>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new Refusal(400, 'malformed', 'empty body: expected a JSON document');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Refusal(400, 'malformed', `malformed JSON: ${(err as Error).message}`);
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The HTTP service: ingest endpoints, the REST API over the store, health and metrics. */
export function buildApp(options: AppOptions): FastifyInstance {
  const { pipeline, store, metrics, auth } = options;
  const app = Fastify({ bodyLimit: options.bodyLimit, logger: false, return503OnClosing: true });
  const ingestPolicy = bearerPolicy(auth.ingestToken, options.host);
  const apiPolicy = bearerPolicy(auth.apiToken, options.host);

  // Bodies stay raw: signatures are computed over the exact bytes, and JSON errors are ours to word.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, refusal: Refusal) => {
    metrics.reject(refusal.reason);
    if (refusal.status === 429) reply.header('retry-after', '1');
    return reply.code(refusal.status).send({ error: refusal.message, reason: refusal.reason });
  };

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof Refusal) return refuse(reply, err);
    if (err instanceof UserError) return refuse(reply, new Refusal(400, 'bad_query', err.message));
    if (err.statusCode === 413) return refuse(reply, new Refusal(413, 'too_large', `request body larger than ${options.bodyLimit} bytes`));
    if (err.statusCode && err.statusCode < 500) return refuse(reply, new Refusal(err.statusCode, 'malformed', err.message));
    metrics.reject('internal');
    process.stderr.write(`vigil: ${err.stack ?? err.message}\n`);
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => refuse(reply, new Refusal(404, 'not_found', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`)));

  const requireBearer = (req: FastifyRequest, policy: typeof ingestPolicy) => {
    if (policy.kind === 'open') return;
    if (policy.kind === 'refuse' || !bearerValid(header(req, 'authorization'), policy.token)) {
      throw new Refusal(401, 'unauthenticated', 'a valid bearer token is required');
    }
  };

  const sourceNamed = (name: string): Source => {
    const source = options.findSource(name);
    if (!source) throw new Refusal(404, 'unknown_source', `unknown source: ${name}`);
    return source;
  };

  /** Frames a document into the source's events and waits until they are evaluated. */
  const ingest = async (req: FastifyRequest, source: Source, doc: unknown) => {
    const origin = `http ${req.ip} ${req.id}`;
    let events: VigilEvent[];
    try {
      const items = source.frame(doc);
      if (!items) throw new Error('not framed');
      events = items.map((data) => ({ source: source.name, data, timeNs: source.time?.(data), origin }));
    } catch {
      throw new Refusal(400, 'not_source_document', `not a ${source.name} document`);
    }
    metrics.received.inc({ source: source.name }, events.length);
    try {
      const alerts = await pipeline.submit(events);
      return { events: events.length, alerts };
    } catch (err) {
      if (err instanceof Backpressure) {
        throw err.reason === 'full'
          ? new Refusal(429, 'backpressure', err.message)
          : new Refusal(503, 'shutting_down', err.message);
      }
      throw err;
    }
  };

  app.post('/ingest/k8s_audit', async (req) => {
    requireBearer(req, ingestPolicy);
    return ingest(req, sourceNamed('k8s_audit'), parseJson(req.body));
  });

  app.post('/ingest/github', async (req) => {
    const body = req.body as Buffer | undefined;
    if (!auth.githubSecret || !githubSignatureValid(body ?? Buffer.alloc(0), header(req, 'x-hub-signature-256'), auth.githubSecret)) {
      throw new Refusal(401, 'unauthenticated', 'missing or wrong X-Hub-Signature-256');
    }
    const event = header(req, 'x-github-event');
    if (event === 'ping') return { events: 0, alerts: 0 };
    const payload = parseJson(body);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new Refusal(400, 'not_source_document', 'a GitHub webhook payload is a JSON object');
    }
    return ingest(req, sourceNamed('github'), event ? githubDelivery(event, payload as Record<string, unknown>) : payload);
  });

  const requireOkta = (req: FastifyRequest) => {
    if (!auth.oktaAuthorization || !secretsEqual(header(req, 'authorization') ?? '', auth.oktaAuthorization)) {
      throw new Refusal(401, 'unauthenticated', 'missing or wrong Authorization header');
    }
  };

  // Okta's one-time verification: echo the challenge back.
  app.get('/ingest/okta', async (req) => {
    requireOkta(req);
    const challenge = header(req, 'x-okta-verification-challenge');
    if (!challenge) throw new Refusal(400, 'malformed', 'missing x-okta-verification-challenge header');
    return { verification: challenge };
  });

  app.post('/ingest/okta', async (req) => {
    requireOkta(req);
    const doc = parseJson(req.body) as { data?: { events?: unknown } } | null;
    // An event hook wraps System Log events in data.events.
    const events = doc?.data?.events;
    return ingest(req, sourceNamed('okta'), Array.isArray(events) ? events : doc);
  });

  app.post<{ Params: { source: string } }>('/ingest/:source', async (req) => {
    requireBearer(req, ingestPolicy);
    const source = sourceNamed(req.params.source);
    return ingest(req, source, parseJson(req.body));
  });

  app.get<{ Querystring: Record<string, string> }>('/api/alerts', async (req) => {
    requireBearer(req, apiPolicy);
    return store.query(alertQuery(req.query));
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id', async (req) => {
    requireBearer(req, apiPolicy);
    const alert = await store.get(req.params.id);
    if (!alert) throw new Refusal(404, 'not_found', `no alert ${req.params.id}`);
    return alert;
  });

  app.get<{ Querystring: Record<string, string> }>('/api/stats', async (req) => {
    requireBearer(req, apiPolicy);
    const bucketMs = parseDuration(req.query.bucket ?? '1h');
    if (bucketMs === undefined) throw new Refusal(400, 'bad_query', `bucket: not a duration: ${req.query.bucket}`);
    return store.stats({ ...alertQuery(req.query), bucketMs });
  });

  app.get<{ Querystring: Record<string, string> }>('/api/findings', async (req) => {
    requireBearer(req, apiPolicy);
    return options.findings.query(findingQuery(req.query));
  });

  app.get('/healthz', async (_req, reply) => {
    const facts = { store: store.kind, queueDepth: pipeline.depth, ...options.health?.() };
    try {
      await store.ping();
      return { status: 'ok', ...facts };
    } catch (err) {
      return reply.code(503).send({ status: 'store unreachable', error: (err as Error).message, ...facts });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return app;
}

const QUERY_KEYS = new Set(['rule', 'priority', 'source', 'tag', 'from', 'to', 'q', 'cursor', 'limit', 'bucket']);

/** The REST API's query string as a store query; anything unknown or malformed is a 400. */
function alertQuery(q: Record<string, string>): AlertQuery {
  for (const [key, value] of Object.entries(q)) {
    if (!QUERY_KEYS.has(key)) throw new Refusal(400, 'bad_query', `unknown parameter: ${key}`);
    if (typeof value !== 'string') throw new Refusal(400, 'bad_query', `${key}: give it once`);
  }
  const query: AlertQuery = { rule: q.rule, source: q.source, tag: q.tag, from: q.from, to: q.to, text: q.q, cursor: q.cursor };
  if (q.priority !== undefined) {
    query.priority = parsePriority(q.priority);
    if (!query.priority) throw new Refusal(400, 'bad_query', `priority: not a priority: ${q.priority}`);
  }
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit)) throw new Refusal(400, 'bad_query', `limit: not a number: ${q.limit}`);
    query.limit = Number(q.limit);
  }
  return query;
}

const FINDING_FILTERS: { [K in keyof Required<FindingFilter>]: readonly string[] | undefined } = {
  kind: ['secret', 'drift', 'posture', 'trust'],
  status: ['open', 'fixed', 'accepted'],
  scope: undefined,
};
const FINDING_KEYS = [...Object.keys(FINDING_FILTERS), 'limit', 'cursor'];

/**
 * `GET /api/findings?kind=drift&status=open&scope=…&limit=…&cursor=…`; anything unknown or
 * malformed is a 400 (the store words a bad limit or cursor).
 */
function findingQuery(q: Record<string, string>): FindingQuery {
  const query: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(q)) {
    if (!FINDING_KEYS.includes(key)) throw new Refusal(400, 'bad_query', `unknown parameter: ${JSON.stringify(key)} (known: ${FINDING_KEYS.join(', ')})`);
    if (typeof value !== 'string') throw new Refusal(400, 'bad_query', `${key}: give it once`);
    const allowed = FINDING_FILTERS[key as keyof FindingFilter];
    if (allowed && !allowed.includes(value)) throw new Refusal(400, 'bad_query', `${key}: one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
    query[key] = value;
  }
  // The store's own check, whose UserError is a 400 like the rest.
  if (q.limit !== undefined) query.limit = findingsLimit(q.limit);
  return query as FindingQuery;
}
