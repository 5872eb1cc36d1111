import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { GeoContext } from '../records/index.js';
import { fieldReader, type FieldCatalog, type FieldDef, type FieldValue } from '../rules/fields.js';
import { asnLookup } from './asn.js';

/** Where a client IP is found: one IP-valued field of a source's catalogue (and its argument). */
export interface IpField {
  field: string;
  arg?: string;
}

/** Each source's client IP, read through the source's own field: the one table to extend for a new source. */
export const CLIENT_IP: Record<string, IpField> = {
  aws_cloudtrail: { field: 'ct.srcip' },
  okta: { field: 'okta.client.ip' },
  k8s_audit: { field: 'ka.sourceips', arg: '0' },
  gcp_auditlog: { field: 'gcp.callerIP' },
  // Audit log entries carry the actor's IP when the organization discloses it; webhooks never do.
  github: { field: 'json.value', arg: '/actor_ip' },
};

export interface GeoInfo {
  /** ISO 3166-1 alpha-2 code. */
  country: string;
  /** Empty when the database has no city for the address. */
  city: string;
  region: string;
}

type GeoipLite = typeof import('geoip-lite');
let geoip: GeoipLite | undefined;

/**
 * The location of a public address from the offline database of the `geoip-lite` package
 * (GeoLite2 data shipped with it), loaded on first use; undefined for private, reserved
 * or unknown addresses and for anything that is not an IP.
 */
export function geoLookup(ip: string): GeoInfo | undefined {
  if (!isIP(ip)) return undefined;
  geoip ??= createRequire(import.meta.url)('geoip-lite') as GeoipLite;
  const found = geoip.lookup(ip);
  return found ? { country: found.country, city: found.city, region: found.region } : undefined;
}

const place = (read: (g: GeoInfo) => string) => (ip: string) => {
  const geo = geoLookup(ip);
  return geo && read(geo) ? read(geo) : undefined;
};

/** The enrichment fields, each read from the event's client IP. */
const GEO_FIELDS: Array<{ name: string; type: string; description: string; read: (ip: string) => string | number | undefined }> = [
  { name: 'vigil.geo.country', type: 'PT_CHARBUF', description: "ISO country code of the event's client IP (offline GeoLite2 data).", read: place((g) => g.country) },
  { name: 'vigil.geo.city', type: 'PT_CHARBUF', description: "City of the event's client IP, where the database knows it.", read: place((g) => g.city) },
  { name: 'vigil.geo.region', type: 'PT_CHARBUF', description: "Region (state, province) code of the event's client IP, where known.", read: place((g) => g.region) },
  { name: 'vigil.geo.asn', type: 'PT_UINT64', description: "Number of the autonomous system announcing the event's client IP (offline DB-IP data).", read: (ip) => asnLookup(ip)?.asn },
  { name: 'vigil.geo.asorg', type: 'PT_CHARBUF', description: "Organization of the autonomous system announcing the event's client IP.", read: (ip) => asnLookup(ip)?.organization },
];

/** Reads the client IP of a source's events through its catalogue; undefined when the source has none. */
export function clientIpReader(source: string, catalog: FieldCatalog): ((event: unknown) => string | undefined) | undefined {
  const where = CLIENT_IP[source];
  const ipDef = where && catalog.resolve(where.field, where.arg);
  const read = ipDef && fieldReader(ipDef.def, ipDef.arg);
  if (!read) return undefined;
  return (event) => {
    const v: FieldValue = read(event);
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' && first ? first : undefined;
  };
}

/** The `vigil.geo.*` fields of a source whose catalogue has a client IP field; none otherwise. */
export function geoFields(source: string, catalog: FieldCatalog): FieldDef[] {
  const ipOf = clientIpReader(source, catalog);
  if (!ipOf) return [];
  return GEO_FIELDS.map(({ name, type, description, read }) => ({
    name,
    type,
    isList: false,
    arg: 'none',
    argKind: 'none',
    description,
    extract: (event) => {
      const ip = ipOf(event);
      return ip === undefined ? undefined : read(ip);
    },
  }));
}

/** Everything known about a client IP, for an alert's `vigil.geo`; undefined when nothing is. */
export function geoContext(ip: string): GeoContext | undefined {
  const geo = geoLookup(ip);
  const as = asnLookup(ip);
  if (!geo && !as) return undefined;
  return {
    ip,
    ...(geo ? { country: geo.country, ...(geo.city ? { city: geo.city } : {}), ...(geo.region ? { region: geo.region } : {}) } : {}),
    ...(as ? { asn: as.asn, asorg: as.organization } : {}),
  };
}
