/** A worker of evaluateInParallel: parses, frames and evaluates the JSON lines of each chunk. */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceEvent } from '../sources/event.js';
import { sourceWith } from '../sources/index.js';
import { engineFor, loadRuleFiles } from './detect.js';
import type { ChunkResult, WorkerSetup } from './parallel.js';
import type { Alert } from '../records/index.js';

const setup = workerData as WorkerSetup;
const source = sourceWith(setup.source, { falcoBugs: setup.falcoBugs ?? false })!;
const set = loadRuleFiles(setup.rules, { minimumPriority: setup.minimumPriority });
const engine = engineFor(set);
const decoder = new TextDecoder();

parentPort!.postMessage('ready');

parentPort!.on('message', ({ seq, file, bytes }: { seq: number; file: string; bytes: Uint8Array }) => {
  const text = decoder.decode(bytes);
  const result: ChunkResult = { seq, events: 0, alerts: [], errors: [], alertLines: [] };
  let line = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const body = text.slice(start, end);
    start = end + 1;
    if (body.trim() === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      result.errors.push({ line, message: `invalid JSON: ${(err as Error).message}` });
      continue;
    }
    const events = source.frame(doc);
    if (!events) {
      result.errors.push({ line, message: `not a ${source.name} event` });
      continue;
    }
    for (const data of events) {
      result.events++;
      const alerts: Alert[] = engine.evaluate(new SourceEvent(source, data, `${file}:${line}`, result.events));
      for (const alert of alerts) {
        result.alerts.push(alert);
        result.alertLines.push(line);
      }
    }
  }
  parentPort!.postMessage(result);
});
