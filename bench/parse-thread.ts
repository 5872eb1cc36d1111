/**
 * A worker of the bench's `baseline-workers` mode: JSON.parses every line of its byte range
 * of a JSON-lines file (a range begins and ends at line starts), nothing else.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeSync, openSync, readSync } from 'node:fs';

const { file, start, end } = workerData as { file: string; start: number; end: number };
const NEWLINE = 0x0a;
const buffer = Buffer.allocUnsafe(1 << 20);
const fd = openSync(file, 'r');
let events = 0;
let carry = Buffer.alloc(0);
const parse = (bytes: Buffer, from: number, to: number) => {
  if (to > from) {
    JSON.parse(bytes.toString('utf8', from, to));
    events++;
  }
};
for (let position = start; position < end; ) {
  const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
  if (read === 0) break;
  position += read;
  let from = 0;
  for (let eol = buffer.indexOf(NEWLINE, 0); eol >= 0 && eol < read; eol = buffer.indexOf(NEWLINE, from)) {
    if (carry.length > 0) {
      const line = Buffer.concat([carry, buffer.subarray(0, eol)]);
      parse(line, 0, line.length);
      carry = Buffer.alloc(0);
    } else {
      parse(buffer, from, eol);
    }
    from = eol + 1;
  }
  carry = Buffer.concat([carry, buffer.subarray(from, read)]);
}
parse(carry, 0, carry.length);
closeSync(fd);
parentPort!.postMessage(events);
