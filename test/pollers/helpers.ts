import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipeline } from '../../src/engine/index.js';
import { PollerRunner, type Poller, type PollerTiming } from '../../src/pollers/index.js';
import { findSource, type VigilEvent } from '../../src/sources/index.js';
import { openAlertStore, type AlertStore } from '../../src/store/index.js';

export const FAST: PollerTiming = { intervalMs: 60_000, backoffMs: 20, maxBackoffMs: 100 };

type After = { after: (fn: () => void | Promise<void>) => void };

export function tempDir(t: After, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vigil-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real SQLite alert store (its checkpoints table) that outlives the runners of one test. */
export async function testStore(t: After): Promise<AlertStore> {
  const store = await openAlertStore(join(tempDir(t, 'pollers-store'), 'vigil.db'));
  t.after(() => store.close());
  return store;
}

/**
 * Runs pollers through a real pipeline whose checkpoints go to the store, recording every
 * event evaluated; `until` decides when to stop (default: every poller finished a round).
 */
export async function runPollers(
  store: AlertStore,
  pollers: Poller[],
  options: { timing?: PollerTiming; until?: (runner: PollerRunner) => boolean; log?: string[] } = {},
): Promise<{ events: VigilEvent[]; runner: PollerRunner }> {
  const events: VigilEvent[] = [];
  const pipeline = new Pipeline({
    evaluate: (e) => {
      events.push(e);
      return [];
    },
    publish: async () => {},
    saveCheckpoint: ({ stream, position }) => store.saveCheckpoint(stream, position),
  });
  const runner = new PollerRunner(
    pollers.map((poller) => ({ poller, timing: options.timing ?? FAST })),
    { pipeline, position: (s) => store.checkpoint(s), findSource, log: (l) => options.log?.push(l) },
  );
  const done = options.until ?? ((r: PollerRunner) => r.running.every((p) => p.stats.lastSuccessMs !== undefined));
  runner.start();
  const deadline = Date.now() + 20_000;
  while (!done(runner)) {
    if (Date.now() > deadline) throw new Error('pollers did not reach the expected state in 20 s');
    await sleep(5);
  }
  await runner.stop();
  await pipeline.drain();
  return { events, runner };
}
