import type { Output } from './output.js';
import { postJson } from './http.js';

export interface WebhookOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Each alert POSTed as Falco's alert JSON, as Falco's http_output does. */
export function webhookOutput(name: string, options: WebhookOptions): Output {
  return {
    name,
    batchSize: 1,
    send: ([alert]) => postJson(options.url, alert, options.headers, options.timeoutMs),
  };
}
