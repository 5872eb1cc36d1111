export { CLIENT_IP, clientIpReader, geoContext, geoFields, geoLookup, type GeoInfo, type IpField } from './geo.js';
export { alertEnricher } from './alerts.js';
export { asnLookup, type AsnInfo } from './asn.js';
export { AssetIndex, assetsOf, type AssetContext } from './assets.js';
