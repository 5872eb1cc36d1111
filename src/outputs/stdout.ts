import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Alert } from '../records/index.js';
import type { Output } from './output.js';

export interface StdoutOptions {
  /** `json`: Falco's alert JSON, one per line; `text`: the alert's output line. */
  format: 'json' | 'text';
}

export function formatAlertLine(alert: Alert, format: StdoutOptions['format']): string {
  return format === 'json' ? JSON.stringify(alert) : alert.output;
}

export function stdoutOutput(name: string, options: StdoutOptions, stream: Writable = process.stdout): Output {
  return {
    name,
    batchSize: 500,
    async send(alerts) {
      const text = alerts.map((a) => formatAlertLine(a, options.format) + '\n').join('');
      if (!stream.write(text)) await once(stream, 'drain');
    },
  };
}
