import type { Alert } from '../records/index.js';
import type { Output } from './output.js';
import { postJson } from './http.js';

export interface SlackOptions {
  /** The incoming-webhook URL (a secret: give it through the environment). */
  url: string;
  timeoutMs: number;
}

const MAX_FIELDS = 10;
const MAX_TEXT = 2900;

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** A Slack Block Kit message: rule and priority as the title, the output, then the fields. */
export function slackMessage(alert: Alert): Record<string, unknown> {
  const fields = Object.entries(alert.output_fields)
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => ({ type: 'mrkdwn', text: clip(`*${key}*\n${value === null ? '<NA>' : String(value)}`, 1900) }));
  const context = [`source: ${alert.source}`, `host: ${alert.hostname}`, `time: ${alert.time}`];
  if (alert.tags.length) context.push(`tags: ${alert.tags.join(', ')}`);
  const count = typeof alert.vigil?.count === 'number' ? ` (×${alert.vigil.count})` : '';
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${alert.priority}: ${alert.rule}${count}`, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(alert.output) } },
  ];
  if (fields.length) blocks.push({ type: 'section', fields });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(context.join(' | ')) }] });
  return { text: clip(`${alert.priority}: ${alert.rule}${count}: ${alert.output}`), blocks };
}

export function slackOutput(name: string, options: SlackOptions): Output {
  return {
    name,
    batchSize: 1,
    send: ([alert]) => postJson(options.url, slackMessage(alert!), {}, options.timeoutMs),
  };
}
