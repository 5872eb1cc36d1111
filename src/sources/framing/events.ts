/**
 * From documents to events: `--source auto` picks each document's source by its shape, the
 * source frames it into events (an EventList into its items, a CloudTrail file into its
 * records), and a document the source does not recognise is reported once.
 */
import { SourceEvent, UNREAD, type Source, type VigilEvent } from '../event.js';
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

type SourceChoice = Source | ((doc: unknown) => Source);

/**
 * The events of a stream of documents. `source` is one source for all, or a function picking
 * one per document (`autoSource()` for `--source auto`).
 */
export async function* toEvents(items: AsyncIterable<InputItem>, source: SourceChoice): AsyncGenerator<VigilEvent | InputError> {
  const framer = new Framer(source);
  const out: Array<VigilEvent | InputError> = [];
  for await (const item of items) {
    framer.frame(item, out);
    yield* out;
    out.length = 0;
  }
}

/** The same, a batch of documents at a time (see readInputBatches). */
export async function* toEventBatches(batches: AsyncIterable<InputItem[]>, source: SourceChoice): AsyncGenerator<Array<VigilEvent | InputError>> {
  const framer = new Framer(source);
  for await (const batch of batches) {
    const out: Array<VigilEvent | InputError> = [];
    for (const item of batch) framer.frame(item, out);
    yield out;
  }
}

/** Turns documents into their source's events, numbering them (evt.num). */
class Framer {
  private readonly pick: (doc: unknown) => Source;
  private num = 0;

  constructor(source: SourceChoice) {
    this.pick = typeof source === 'function' ? source : () => source;
  }

  frame(item: InputItem, out: Array<VigilEvent | InputError>): void {
    if (item instanceof InputError) {
      out.push(item);
      return;
    }
    if (item.doc === UNREAD) {
      out.push(new SourceEvent(this.pick(item.doc), UNREAD, item, ++this.num));
      return;
    }
    const src = this.pick(item.doc);
    const events = src.frame(item.doc);
    if (events === undefined) {
      out.push(new InputError(`${item.origin}: ${unrecognised(src.name)}`, item.file, item.line));
      return;
    }
    if (events.length === 1 && events[0] === item.doc) {
      out.push(new SourceEvent(src, item.doc, item, ++this.num));
      return;
    }
    for (let i = 0; i < events.length; i++) out.push(new SourceEvent(src, events[i], item, ++this.num, i));
  }
}
