/** A worker of evaluateInParallel: parses, frames and evaluates the JSON lines of each chunk. */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceEvent } from '../sources/event.js';
import { sourceWith, unrecognised, UNREAD } from '../sources/index.js';
import { isBlank, splitLine, type Piece } from '../sources/framing/split.js';
import { engineFor, loadRuleFiles } from './detect.js';
import type { ChunkResult, WorkerSetup } from './parallel.js';
import type { Alert } from '../records/index.js';

const setup = workerData as WorkerSetup;
const source = sourceWith(setup.source, { falcoBugs: setup.falcoBugs ?? false })!;
const set = loadRuleFiles(setup.rules, { minimumPriority: setup.minimumPriority });
const engine = engineFor(set);
const unmatchable = engine.lineFilter(source);
const NEWLINE = 0x0a;
parentPort!.postMessage('ready');

parentPort!.on('message', ({ seq, file, bytes }: { seq: number; file: string; bytes: Uint8Array }) => {
  const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result: ChunkResult = { seq, events: 0, alerts: [], errors: [], alertLines: [] };
  const pieces: Piece[] = [];
  let line = 0;
  for (let start = 0; start < chunk.length; ) {
    let end = chunk.indexOf(NEWLINE, start);
    if (end < 0) end = chunk.length;
    line++;
    // Each line is decoded by itself (V8 makes small strings far faster per byte than big
    // ones) and evaluated at once, so that its objects die young.
    const text = chunk.toString('utf8', start, end);
    start = end + 1;
    if (isBlank(text)) continue;
    splitLine(text, line, pieces, unmatchable);
    for (const piece of pieces) evaluate(piece, file, result);
    pieces.length = 0;
  }
  parentPort!.postMessage(result);
});

function evaluate(piece: Piece, file: string, result: ChunkResult): void {
  if (!('doc' in piece)) {
    result.errors.push({ line: piece.line, column: piece.column, message: piece.error });
    return;
  }
  if (piece.doc === UNREAD) {
    result.events++;
    return;
  }
  const events = source.frame(piece.doc);
  if (!events) {
    result.errors.push({ line: piece.line, message: unrecognised(source.name) });
    return;
  }
  for (const data of events) {
    result.events++;
    const alerts: Alert[] = engine.evaluate(new SourceEvent(source, data, `${file}:${piece.line}`, result.events));
    for (const alert of alerts) {
      result.alerts.push(alert);
      result.alertLines.push(piece.line);
    }
  }
}
