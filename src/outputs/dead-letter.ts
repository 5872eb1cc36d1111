import { appendFileSync } from 'node:fs';
import type { Alert } from '../records/index.js';

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
    const lines = alerts.map((alert) => JSON.stringify({ time, output, reason, alert }) + '\n').join('');
    try {
      appendFileSync(this.path, lines);
      this.kept += alerts.length;
    } catch (err) {
      this.lost += alerts.length;
      process.stderr.write(`vigil: dead-letter file ${this.path}: ${(err as Error).message}; ${alerts.length} alerts for ${output} lost\n`);
    }
  }
}
