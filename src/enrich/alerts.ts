import type { Alert } from '../records/index.js';
import type { FieldCatalog } from '../rules/fields.js';
import type { VigilEvent } from '../sources/event.js';
import { clientIpReader, geoContext } from './geo.js';
import { assetsOf, type AssetIndex } from './assets.js';

/**
 * Adds the responder's context to the alerts an event raised: `vigil.geo` (country, city,
 * region, ASN of the event's client IP) and, given an asset index, `vigil.assets` (owner,
 * environment, tags of the known resources and identities the event names), whatever
 * fields the rule itself printed.
 */
export function alertEnricher(
  catalogOf: (source: string) => FieldCatalog | undefined,
  assets?: AssetIndex,
): (alerts: Alert[], event: VigilEvent) => Alert[] {
  const readers = new Map<string, ((event: unknown) => string | undefined) | undefined>();
  return (alerts, event) => {
    if (!alerts.length) return alerts;
    if (!readers.has(event.source)) {
      const catalog = catalogOf(event.source);
      readers.set(event.source, catalog && clientIpReader(event.source, catalog));
    }
    const ip = readers.get(event.source)?.(event);
    const geo = ip === undefined ? undefined : geoContext(ip);
    if (geo) for (const alert of alerts) alert.vigil = { ...alert.vigil!, geo };
    const catalog = assets?.size ? catalogOf(event.source) : undefined;
    const known = catalog ? assetsOf(assets!, catalog, event) : [];
    if (known.length) for (const alert of alerts) alert.vigil = { ...alert.vigil!, assets: known };
    return alerts;
  };
}
