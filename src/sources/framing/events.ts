/**
 * From documents to events: `--source auto` picks each document's source by its shape, the
 * source frames it into events (an EventList into its items, a CloudTrail file into its
 * records), and a document the source does not recognise is reported once.
 */
import { SourceEvent, type Source, type VigilEvent } from '../event.js';
import { frameK8s } from '../k8s_audit/index.js';
import { frameCloudTrail } from '../aws_cloudtrail/index.js';
import { frameGithub } from '../github/index.js';
import { frameOkta } from '../okta/index.js';
import { frameGcp } from '../gcp_auditlog/index.js';
import { InputError, type InputItem } from './items.js';

/** Each source's framing, most specific first: the first that takes a document owns it. */
const FRAMES: Array<[string, (doc: unknown) => unknown[] | undefined]> = [
  ['k8s_audit', frameK8s],
  ['aws_cloudtrail', frameCloudTrail],
  ['gcp_auditlog', frameGcp],
  ['okta', frameOkta],
  ['github', frameGithub],
];

/** The name of the source a document belongs to, judged by its shape (`json` when none fits). */
export function detectSource(doc: unknown): string {
  return FRAMES.find(([, frame]) => frame(doc) !== undefined)?.[0] ?? 'json';
}

/** What is said of a document that is not an event of the source (as the plugins say it). */
export function unrecognised(source: string): string {
  return source === 'k8s_audit' ? 'data not recognized as a k8s audit event' : `data not recognized as a ${source} event`;
}

/**
 * The events of a stream of documents. `source` is one source for all, or a function picking
 * one per document (`autoSource()` for `--source auto`).
 */
export async function* toEvents(
  items: AsyncIterable<InputItem>,
  source: Source | ((doc: unknown) => Source),
): AsyncGenerator<VigilEvent | InputError> {
  const pick = typeof source === 'function' ? source : () => source;
  let num = 0;
  for await (const item of items) {
    if (item instanceof InputError) {
      yield item;
      continue;
    }
    const src = pick(item.doc);
    const events = src.frame(item.doc);
    if (events === undefined) {
      yield new InputError(`${item.origin}: ${unrecognised(src.name)}`, item.file, item.line);
      continue;
    }
    const whole = events.length === 1 && events[0] === item.doc;
    for (let i = 0; i < events.length; i++) {
      const data = events[i];
      yield new SourceEvent(src, data, whole ? item.origin : `${item.origin} [${i}]`, ++num);
    }
  }
}
