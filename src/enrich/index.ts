export { CLIENT_IP, geoFields, geoLookup, type GeoInfo, type IpField } from './geo.js';
export { asnLookup, type AsnInfo } from './asn.js';
