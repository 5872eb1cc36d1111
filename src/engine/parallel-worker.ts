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
/** Text is decoded this much at a time, cut at a line end (V8 makes big strings far slower per byte). */
const DECODE_BYTES = 64 * 1024;
parentPort!.postMessage('ready');

parentPort!.on('message', ({ seq, file, bytes }: { seq: number; file: string; bytes: Uint8Array }) => {
  const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result: ChunkResult = { seq, events: 0, alerts: [], errors: [], alertLines: [], memory: bytes.buffer as ArrayBuffer };
  const pieces: Piece[] = [];
  let line = 0;
  for (let start = 0; start < chunk.length; ) {
    // Up to the last line end within the next DECODE_BYTES (or the end of the first line, when longer).
    let end = start + DECODE_BYTES >= chunk.length ? chunk.length : chunk.lastIndexOf(NEWLINE, start + DECODE_BYTES);
    if (end < start) end = chunk.indexOf(NEWLINE, start + DECODE_BYTES);
    if (end < 0) end = chunk.length;
    const text = chunk.toString('utf8', start, end);
    start = end + 1;
    // Each line is evaluated as soon as it is parsed, so that its objects die young.
    for (let from = 0; ; ) {
      const eol = text.indexOf('\n', from);
      const lineText = eol < 0 ? text.slice(from) : text.slice(from, eol);
      line++;
      if (!isBlank(lineText)) {
        splitLine(lineText, line, pieces, unmatchable);
        for (const piece of pieces) evaluate(piece, file, result);
        pieces.length = 0;
      }
      if (eol < 0) break;
      from = eol + 1;
    }
  }
  parentPort!.postMessage(result, [result.memory]);
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
