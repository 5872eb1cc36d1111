import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Pipeline, type PipelineOptions } from '../engine/index.js';
import { createPoller, PollerRunner, registerPollerMetrics, type PollerConfig } from '../pollers/index.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../outputs/index.js';
import type { Alert } from '../records/index.js';
import { autoSource, InputError, readInputs, toEvents, type Source, type VigilEvent } from '../sources/index.js';
import { openAlertStore, openFindingStore, type AlertStore, type FindingStore } from '../store/index.js';
import { connectAwsReader, LiveDrift, type AwsCollectOptions, type LiveDriftOptions } from '../posture/index.js';
import { UserError } from '../util/errors.js';
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
  /** Pull-based inputs (S3, SQS, APIs), started with the service and stopped first at shutdown. */
  pollers?: PollerConfig[];
  /** Files or directories of events replayed once (their checkpoint remembers it), e.g. the bundled examples. */
  replay: string[];
  /** How often dead-lettered alerts are re-sent (and once at start); 0: only at start. */
  deadLetterRetryMs: number;
  /** How long outputs may take to deliver what they hold at shutdown before it is dead-lettered. */
  shutdownGraceMs: number;
  /** Event-driven drift: CloudTrail events keep this actual state up to date against the expected one. */
  drift?: LiveDriftOptions & {
    /** How often the updated snapshot is written back (and at shutdown); 0: only at shutdown. */
    saveIntervalMs: number;
    /** Read each changed resource again from the AWS API with these settings (credentials from the standard chain). */
    refresh?: AwsCollectOptions;
  };
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
  findings: FindingStore;
  /** Present when event-driven drift is configured. */
  drift?: LiveDrift;
  pipeline: Pipeline;
  dispatcher: Dispatcher;
  pollers: PollerRunner;
  /** Replays the configured files (once per file ever); resolves with the events replayed. */
  replay(): Promise<number>;
  /** Stops intake, finishes what was accepted, flushes outputs and checkpoints, closes the store. */
  close(): Promise<void>;
}

const RETENTION_SWEEP_MS = 3_600_000;

/** Opens the store, builds outputs, pipeline and HTTP server, and starts listening. */
export async function startService(options: ServiceOptions, parts: ServiceParts): Promise<Service> {
  const log = parts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const driftState = options.drift && LiveDrift.load(options.drift);
  const reader = driftState && options.drift!.refresh && (await awsReaderFor(options.drift!.snapshot, driftState.snapshot.account, options.drift!.refresh));
  const store = await openAlertStore(options.store).catch((err: Error) => {
    reader?.close();
    throw err;
  });
  const findings = await openFindingStore(options.store).catch(async (err: Error) => {
    reader?.close();
    await store.close();
    throw err;
  });
  // Alerts of API reads come after the events' own, so the pipeline (made below) is there for them.
  const refresh = reader ? { reader, publish: (alerts: Alert[]): Promise<void> => pipeline.publishRaised(alerts), log } : undefined;
  const drift = driftState && new LiveDrift(driftState.expected, driftState.snapshot, options.drift!.snapshot, findings, refresh);
  if (drift) {
    const counts = await drift.reconcileAll().catch(async (err: Error) => {
      reader?.close();
      await Promise.all([store.close(), findings.close()]);
      throw err;
    });
    log(`vigil: drift: following CloudTrail against ${driftState.expected.sources.length} expected-state files; ${counts.open} open drift findings in ${options.drift!.snapshot} (new ${counts.new}, fixed ${counts.fixed})`);
    if (reader) log(`vigil: drift: each changed resource is read again from the AWS API (account ${reader.account})`);
  }
  const dispatcher = createDispatcher(options.outputs, { store });
  const pipeline = new Pipeline(
    {
      evaluate: parts.evaluate,
      follow: drift && ((events) => drift.follow(events)),
      publish: (alerts) => dispatcher.publish(alerts),
      saveCheckpoint: ({ stream, position }) => store.saveCheckpoint(stream, position),
    },
    options.pipeline,
  );
  const metrics = new Metrics(pipeline, dispatcher, drift);
  const pollers = new PollerRunner(
    (options.pollers ?? []).map((config) => ({ poller: createPoller(config), timing: config.timing })),
    { pipeline, position: (stream) => store.checkpoint(stream), findSource: parts.findSource, log },
  );
  registerPollerMetrics(metrics.registry, pollers);
  const app = buildApp({
    host: options.host,
    bodyLimit: options.bodyLimit,
    auth: options.auth,
    findSource: parts.findSource,
    pipeline,
    store,
    findings,
    metrics,
    health: () => ({
      ...(drift ? { drift: drift.counts } : {}),
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
    await pollers.stop();
    await drift?.stop(0);
    await dispatcher.close(0);
    await store.close();
    await findings.close();
    const { code, message } = err as NodeJS.ErrnoException;
    const why = code === 'EADDRINUSE' ? 'the address is in use (another vigil?); choose another with --port' : (code ?? message);
    throw new UserError(`cannot listen on ${options.host}:${options.port}: ${why}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  for (const line of authSummary(options.auth, options.host)) log(`vigil: ${line}`);
  pollers.start();
  for (const { poller } of pollers.running) log(`vigil: polling ${poller.name} (${poller.source})`);

  const redeliver = () =>
    dispatcher.redeliver().then(
      (n) => n && log(`vigil: re-sent ${n} dead-lettered alerts`),
      (err: Error) => log(`vigil: dead-letter redelivery: ${err.message}`),
    );
  void redeliver();
  const redelivery = options.deadLetterRetryMs > 0 ? setInterval(redeliver, options.deadLetterRetryMs) : undefined;
  redelivery?.unref();
  const saveDrift = () => {
    try {
      drift?.save();
    } catch (err) {
      log(`vigil: drift: cannot write ${options.drift!.snapshot}: ${(err as Error).message}`);
    }
  };
  const driftSaving = drift && options.drift!.saveIntervalMs > 0 ? setInterval(saveDrift, options.drift!.saveIntervalMs) : undefined;
  driftSaving?.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    store,
    findings,
    drift,
    pipeline,
    dispatcher,
    pollers,
    replay: () => replayInputs(options.replay, pipeline, store, log),
    close: () =>
      (closing ??= (async () => {
        clearInterval(retention);
        clearInterval(redelivery);
        clearInterval(driftSaving);
        // Pollers finish the object or page in hand (its checkpoint committed) and stop.
        await pollers.stop();
        // Requests in flight are answered; keep-alive connections are closed as each goes idle.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        await app.close();
        clearInterval(sweep);
        await pipeline.drain();
        await drift?.stop(options.shutdownGraceMs);
        saveDrift();
        await dispatcher.close(options.shutdownGraceMs);
        await store.close();
        await findings.close();
      })()),
  };
}

/** The AWS reader of drift.refresh, for the snapshot's own account: a problem with the credentials is a one-line start-up error. */
async function awsReaderFor(file: string, account: string, settings: AwsCollectOptions) {
  const reader = await connectAwsReader(settings).catch((err: Error) => {
    throw err instanceof UserError ? new UserError(`drift.refresh: ${err.message}`) : err;
  });
  if (reader.account !== account) {
    reader.close();
    throw new UserError(`drift.refresh: the AWS credentials are for account ${reader.account}, but ${file} is a snapshot of account ${account}`);
  }
  return reader;
}

const REPLAY_CHUNK = 500;

/**
 * Replays files or directories of events through the pipeline, each once. Its checkpoint
 * is the number of events committed (then `done`), so a restart resumes where it stopped.
 * Framing and sources are detected as `vigil run` detects them.
 */
async function replayInputs(inputs: string[], pipeline: Pipeline, store: AlertStore, log: (line: string) => void): Promise<number> {
  let replayed = 0;
  for (const input of inputs) {
    const stream = `replay:${resolve(input)}`;
    const checkpoint = await store.checkpoint(stream);
    if (checkpoint === 'done') continue;
    const skip = Number(checkpoint ?? 0);
    let seen = 0;
    let chunk: VigilEvent[] = [];
    for await (const item of toEvents(readInputs([input]), autoSource())) {
      if (item instanceof InputError) {
        log(`vigil: ${item.message}`);
        continue;
      }
      if (++seen <= skip) continue;
      chunk.push(item);
      if (chunk.length === REPLAY_CHUNK) {
        replayed += chunk.length;
        await pipeline.submitWhenRoom(chunk, { stream, position: String(seen) });
        chunk = [];
      }
    }
    replayed += chunk.length;
    await pipeline.submitWhenRoom(chunk, { stream, position: 'done' });
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
