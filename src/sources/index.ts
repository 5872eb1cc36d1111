import type { Source } from './event.js';
import { jsonSource } from './json/index.js';
import { k8sAuditSource } from './k8s_audit/index.js';
import { cloudtrailSource } from './aws_cloudtrail/index.js';
import { githubSource } from './github/index.js';
import { oktaSource, type OktaOptions } from './okta/index.js';
import { gcpAuditSource } from './gcp_auditlog/index.js';
import { detectSource } from './framing/index.js';
import { syscallCatalog } from './syscall/index.js';
import { FieldCatalog } from '../rules/fields.js';
import { geoFields } from '../enrich/index.js';

export type { Source, VigilEvent } from './event.js';
export { own, atPath, jsonText, UNREAD } from './event.js';
export { jsonFields, parsePointer } from './json/index.js';
export { syscallCatalog };
export type { ExtractionOptions } from './plugin.js';
export type { OktaOptions } from './okta/index.js';
export { githubDelivery } from './github/index.js';
export * from './framing/index.js';

/** Every source that evaluates events: one folder each, registered here. */
const FACTORIES: Record<string, (o: OktaOptions) => Source> = {
  json: () => jsonSource,
  k8s_audit: k8sAuditSource,
  aws_cloudtrail: cloudtrailSource,
  github: () => githubSource,
  okta: oktaSource,
  gcp_auditlog: gcpAuditSource,
};

/** A source with the fields vigil adds to every catalogue (geo-IP of its client IP). */
function enriched(source: Source): Source {
  const geo = geoFields(source.name, source.catalog);
  if (!geo.length) return source;
  return { ...source, catalog: new FieldCatalog(source.name, [...source.catalog.fields, ...geo], source.catalog.evaluates) };
}

export const sources: Source[] = Object.values(FACTORIES).map((make) => enriched(make({})));

/**
 * A source built with non-default options: `falcoBugs` reproduces the upstream plugins'
 * documented extraction bugs; okta also takes its `organization`.
 */
export function sourceWith(name: string, options: OktaOptions): Source | undefined {
  const make = FACTORIES[name];
  return make && enriched(make(options));
}

/** For `--source auto`: each document's source, judged by its shape (see detectSource). */
export function autoSource(options: OktaOptions = {}): (doc: unknown) => Source {
  const built = new Map<string, Source>();
  return (doc) => {
    const name = detectSource(doc);
    let source = built.get(name);
    if (!source) built.set(name, (source = sourceWith(name, options)!));
    return source;
  };
}

export function findSource(name: string): Source | undefined {
  return sources.find((s) => s.name === name);
}

/** The field catalogue rules of a source are checked against: the sources vigil runs, plus syscall (checked, never run). */
export function catalogFor(source: string): FieldCatalog | undefined {
  return findSource(source)?.catalog ?? (source === 'syscall' ? syscall() : undefined);
}

let syscallFields: FieldCatalog | undefined;
function syscall(): FieldCatalog {
  return (syscallFields ??= syscallCatalog());
}
