import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Priority } from '../records/index.js';
import type { AlertStore } from '../store/index.js';
import { DeadLetter } from './dead-letter.js';
import { Delivery, DELIVERY_DEFAULTS, type DeliveryOptions } from './delivery.js';
import { Dispatcher, type Route } from './dispatcher.js';
import type { DedupOptions } from './dedup.js';
import { fileOutput, type FileOptions } from './file.js';
import type { Output } from './output.js';
import { slackOutput, type SlackOptions } from './slack.js';
import { stdoutOutput, type StdoutOptions } from './stdout.js';
import { syslogOutput, type SyslogOptions } from './syslog.js';
import { webhookOutput, type WebhookOptions } from './webhook.js';
import { storeOutput } from './store.js';

export type { Output } from './output.js';
export { Delivery, DELIVERY_DEFAULTS, type DeliveryOptions, type DeliveryCounts } from './delivery.js';
export { Dispatcher, type Route } from './dispatcher.js';
export { Deduper, type DedupOptions } from './dedup.js';
export { DeadLetter } from './dead-letter.js';
export { formatSyslog } from './syslog.js';
export { slackMessage } from './slack.js';
export { formatAlertLine } from './stdout.js';

/** Each output type's options, as the configuration gives them. */
export interface OutputTypes {
  stdout: StdoutOptions;
  file: FileOptions;
  webhook: WebhookOptions;
  slack: SlackOptions;
  syslog: SyslogOptions;
  store: Record<string, never>;
}

export type OutputType = keyof OutputTypes;

/** What every output has, whatever its type. */
export interface OutputCommon {
  enabled: boolean;
  minimumPriority: Priority;
  /** Deduplicated alerts (notifications) or every alert (the store). */
  dedup: boolean;
}

export type OutputConfig = {
  [T in OutputType]: OutputCommon & { name: string; type: T; options: OutputTypes[T] };
}[OutputType];

export interface OutputContext {
  /** Needed by the `store` output only. */
  store?: AlertStore;
}

/** The table of output types: a new sink is one entry here and one file. */
const FACTORIES: { [T in OutputType]: (name: string, options: OutputTypes[T], ctx: OutputContext) => Output } = {
  stdout: (name, o) => stdoutOutput(name, o),
  file: (name, o) => fileOutput(name, o),
  webhook: (name, o) => webhookOutput(name, o),
  slack: (name, o) => slackOutput(name, o),
  syslog: (name, o) => syslogOutput(name, o),
  store: (name, _o, ctx) => {
    if (!ctx.store) throw new Error(`output ${name}: no alert store is open`);
    return storeOutput(name, ctx.store);
  },
};

export function createOutput(config: OutputConfig, ctx: OutputContext): Output {
  const factory = FACTORIES[config.type] as (name: string, options: unknown, ctx: OutputContext) => Output;
  return factory(config.name, config.options, ctx);
}

export interface DispatcherOptions {
  outputs: OutputConfig[];
  dedup: DedupOptions;
  deadLetterPath: string;
  delivery?: Partial<Omit<DeliveryOptions, 'minimumPriority'>>;
}

/** Builds the enabled outputs, each with its own delivery, behind one dispatcher. */
export function createDispatcher(options: DispatcherOptions, ctx: OutputContext = {}): Dispatcher {
  mkdirSync(dirname(options.deadLetterPath), { recursive: true });
  const deadLetter = new DeadLetter(options.deadLetterPath);
  const routes: Route[] = options.outputs
    .filter((o) => o.enabled)
    .map((config) => ({
      delivery: new Delivery(
        createOutput(config, ctx),
        { ...DELIVERY_DEFAULTS, ...options.delivery, minimumPriority: config.minimumPriority },
        deadLetter,
      ),
      dedup: config.dedup,
      awaited: config.type === 'store',
    }));
  return new Dispatcher(routes, options.dedup, deadLetter);
}
