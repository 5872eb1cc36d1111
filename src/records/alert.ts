import type { Priority } from './priority.js';

/**
 * One rule matched one event. The JSON shape is Falco's alert JSON, so every tool that
 * reads Falco's output (falcosidekick and friends) reads vigil's; vigil's own context
 * lives under `vigil`.
 */
export interface Alert {
  /** ISO 8601 with nanoseconds, as Falco prints it. */
  time: string;
  rule: string;
  /** Falco's spelling: "Warning", "Critical", … */
  priority: string;
  output: string;
  output_fields: Record<string, string | number | boolean | null>;
  source: string;
  tags: string[];
  hostname: string;
  vigil?: AlertContext;
}

export interface AlertContext {
  /** Normalised priority, for filtering. */
  priority: Priority;
  /** The event that fired the rule, as received. */
  event?: unknown;
  /** Where the event came from: file and offset, HTTP request, poller position. */
  origin?: string;
  /** Where the event's client IP is (geo-IP enrichment), when the source names one and it is public. */
  geo?: GeoContext;
  /** Known resources and identities the event names, with their owner, environment and tags. */
  assets?: Array<{ field: string; value: string; type?: string; arn?: string; owner?: string; environment?: string; tags?: string[] }>;
  [key: string]: unknown;
}

export interface GeoContext {
  ip: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  city?: string;
  region?: string;
  asn?: number;
  asorg?: string;
}
