import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Alert } from '../records/index.js';

interface Entry {
  time: string;
  output: string;
  reason: string;
  alert: Alert;
}

/** Dead-lettered alerts taken out of the file, by output, and how to let go of them once re-sent. */
export interface Claim {
  byOutput: Map<string, Alert[]>;
  /** Deletes the claimed files (call once every alert is delivered or dead-lettered again). */
  release(): void;
}

const CLAIMED = '.redelivering';

/**
 * Where alerts that could not be delivered are kept: one JSON line each with the output,
 * the reason and the alert, so nothing is dropped silently and all of it can be re-sent.
 */
export class DeadLetter {
  /** Alerts written here, and alerts that not even this file could take. */
  kept = 0;
  lost = 0;

  constructor(readonly path: string) {}

  write(output: string, reason: string, alerts: Alert[]): void {
    if (!alerts.length) return;
    const time = new Date().toISOString();
    const lines = alerts.map((alert) => JSON.stringify({ time, output, reason, alert } satisfies Entry) + '\n').join('');
    try {
      appendFileSync(this.path, lines);
      this.kept += alerts.length;
    } catch (err) {
      this.lost += alerts.length;
      process.stderr.write(`vigil: dead-letter file ${this.path}: ${(err as Error).message}; ${alerts.length} alerts for ${output} lost\n`);
    }
  }

  /**
   * Takes every kept alert out of the file to be delivered again. The file is renamed
   * first, so new dead letters go to a fresh one; a claim left by a crash is taken too.
   */
  claim(): Claim {
    const dir = dirname(this.path);
    const claimedPrefix = basename(this.path) + CLAIMED;
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(claimedPrefix)).map((f) => join(dir, f)) : [];
    if (existsSync(this.path)) {
      const claimed = `${this.path}${CLAIMED}.${Date.now()}.${process.pid}`;
      renameSync(this.path, claimed);
      files.push(claimed);
    }
    const byOutput = new Map<string, Alert[]>();
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let entry: Entry;
        try {
          entry = JSON.parse(line) as Entry;
        } catch {
          continue; // a line cut short by a crash
        }
        const list = byOutput.get(entry.output) ?? [];
        list.push(entry.alert);
        byOutput.set(entry.output, list);
      }
    }
    return { byOutput, release: () => files.forEach((f) => unlinkSync(f)) };
  }
}
