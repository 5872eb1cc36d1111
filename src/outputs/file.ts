import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import type { Output } from './output.js';

export interface FileOptions {
  path: string;
  /** Rotate when the file would grow past this many bytes. */
  maxBytes: number;
  /** Rotated files kept: path.1 (newest) … path.N. */
  keep: number;
}

/** Falco alert JSON, one alert a line, rotated by size. */
export function fileOutput(name: string, options: FileOptions): Output {
  let handle: FileHandle | undefined;
  let size = 0;

  async function openFile() {
    handle = await open(options.path, 'a');
    size = (await stat(options.path)).size;
  }

  async function rotate() {
    await handle?.close();
    handle = undefined;
    for (let i = options.keep - 1; i >= 1; i--) {
      await rename(`${options.path}.${i}`, `${options.path}.${i + 1}`).catch(() => {});
    }
    if (options.keep > 0) await rename(options.path, `${options.path}.1`);
    else await open(options.path, 'w').then((h) => h.close());
    await openFile();
  }

  return {
    name,
    batchSize: 500,
    async send(alerts) {
      if (!handle) await openFile();
      // Lines are written in runs that fit the current file, rotating between runs.
      let run: Buffer[] = [];
      let runBytes = 0;
      const flush = async () => {
        if (runBytes) await handle!.write(Buffer.concat(run));
        size += runBytes;
        run = [];
        runBytes = 0;
      };
      for (const alert of alerts) {
        const line = Buffer.from(JSON.stringify(alert) + '\n');
        if (size + runBytes > 0 && size + runBytes + line.length > options.maxBytes) {
          await flush();
          await rotate();
        }
        run.push(line);
        runBytes += line.length;
      }
      await flush();
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}
