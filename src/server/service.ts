import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Pipeline, type PipelineOptions } from '../engine/index.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../outputs/index.js';
import type { Alert } from '../records/index.js';
import type { Source, VigilEvent } from '../sources/index.js';
import { openAlertStore, type AlertStore } from '../store/index.js';
import { buildApp } from './app.js';
import { authSummary, type AuthOptions } from './auth.js';
import { Metrics } from './metrics.js';

export interface ServiceOptions {
  host: string;
  port: number;
  bodyLimit: number;
  auth: AuthOptions;
  /** SQLite path or postgres:// URL. */
  store: string;
  /** Alerts stored longer ago than this are deleted; 0 keeps them for ever. */
  retentionMs: number;
  pipeline: Partial<PipelineOptions>;
  outputs: DispatcherOptions;
  /** Files of events replayed once (their checkpoint remembers it), e.g. the bundled examples. */
  replay: string[];
  /** How long outputs may take to deliver what they hold at shutdown before it is dead-lettered. */
  shutdownGraceMs: number;
}

export interface ServiceParts {
  /** Evaluates one event against the loaded rules. */
  evaluate: (event: VigilEvent) => Alert[];
  findSource: (name: string) => Source | undefined;
  log?: (line: string) => void;
}

export interface Service {
  url: string;
  app: FastifyInstance;
  store: AlertStore;
  pipeline: Pipeline;
  dispatcher: Dispatcher;
  /** Replays the configured files (once per file ever); resolves with the events replayed. */
  replay(): Promise<number>;
  /** Stops intake, finishes what was accepted, flushes outputs and checkpoints, closes the store. */
  close(): Promise<void>;
}

const RETENTION_SWEEP_MS = 3_600_000;

/** Opens the store, builds outputs, pipeline and HTTP server, and starts listening. */
export async function startService(options: ServiceOptions, parts: ServiceParts): Promise<Service> {
  const log = parts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const store = await openAlertStore(options.store);
  const dispatcher = createDispatcher(options.outputs, { store });
  const pipeline = new Pipeline(
    {
      evaluate: parts.evaluate,
      publish: (alerts) => dispatcher.publish(alerts),
      saveCheckpoint: ({ stream, position }) => store.saveCheckpoint(stream, position),
    },
    options.pipeline,
  );
  const metrics = new Metrics(pipeline, dispatcher);
  const app = buildApp({
    host: options.host,
    bodyLimit: options.bodyLimit,
    auth: options.auth,
    findSource: parts.findSource,
    pipeline,
    store,
    metrics,
    health: () => ({
      outputs: Object.fromEntries(
        dispatcher.deliveries.map((d) => [d.name, { queued: d.counts.queued, delivered: d.counts.delivered, lastError: d.lastError ?? null }]),
      ),
      deadLettered: dispatcher.deadLetter.kept,
    }),
  });

  let retention: NodeJS.Timeout | undefined;
  if (options.retentionMs > 0) {
    const purge = () =>
      store.purgeOlderThan(options.retentionMs).catch((err: Error) => log(`vigil: retention: ${err.message}`));
    await purge();
    retention = setInterval(purge, Math.min(RETENTION_SWEEP_MS, options.retentionMs));
    retention.unref();
  }

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await dispatcher.close(0);
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  for (const line of authSummary(options.auth, options.host)) log(`vigil: ${line}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    store,
    pipeline,
    dispatcher,
    replay: () => replayFiles(options.replay, pipeline, store, parts.findSource, log),
    close: () =>
      (closing ??= (async () => {
        clearInterval(retention);
        // Requests in flight are answered; keep-alive connections are closed as each goes idle.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        await app.close();
        clearInterval(sweep);
        await pipeline.drain();
        await dispatcher.close(options.shutdownGraceMs);
        await store.close();
      })()),
  };
}

/**
 * Replays files of events through the pipeline, each once: the file's checkpoint records
 * that it was done. The source is the file's name (`k8s_audit.jsonl`); a `.jsonl` file has
 * one document a line, a `.json` file is one document.
 */
async function replayFiles(
  files: string[],
  pipeline: Pipeline,
  store: AlertStore,
  findSource: (name: string) => Source | undefined,
  log: (line: string) => void,
): Promise<number> {
  let replayed = 0;
  for (const file of files) {
    const stream = `replay:${resolve(file)}`;
    if ((await store.checkpoint(stream)) === 'done') continue;
    const name = basename(file, extname(file));
    const source = findSource(name);
    if (!source) {
      log(`vigil: ${file}: no source named ${name}; not replayed`);
      continue;
    }
    const text = await readFile(file, 'utf8');
    const docs = extname(file) === '.jsonl' ? text.split('\n').filter((l) => l.trim()) : [text];
    const events: VigilEvent[] = [];
    docs.forEach((doc, i) => {
      try {
        for (const data of source.frame(JSON.parse(doc)) ?? []) {
          events.push({ source: name, data, timeNs: source.time?.(data), origin: `${file}:${i + 1}` });
        }
      } catch (err) {
        log(`vigil: ${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
    await pipeline.submit(events, { stream, position: 'done' });
    replayed += events.length;
  }
  return replayed;
}

/** SIGTERM and SIGINT close the service gracefully once; the process exits when it is closed. */
export function closeOnSignals(service: Service, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const stop = (signal: string) => {
    log(`vigil: ${signal}: finishing accepted events and flushing outputs`);
    service.close().then(
      () => {
        log('vigil: stopped');
        process.exit(0);
      },
      (err: Error) => {
        log(`vigil: shutdown: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
