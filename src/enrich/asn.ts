import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseIp } from '../util/ip.js';

export interface AsnInfo {
  asn: number;
  organization: string;
}

/** Address ranges sorted by start, each with the index of its AS: searched by bisection. */
interface RangeTable<N extends number | bigint> {
  starts: N[];
  ends: N[];
  asns: number[];
  orgs: string[];
}

/**
 * Reads a `start,end,asn,organization` file of the @ip-location-db/asn package (DB-IP's
 * IP-to-ASN Lite, CC BY 4.0). The organization is the rest of the line, CSV-quoted when it
 * holds a comma.
 */
function readTable<N extends number | bigint>(file: string, num: (text: string) => N): RangeTable<N> {
  const table: RangeTable<N> = { starts: [], ends: [], asns: [], orgs: [] };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (c < 0) continue;
    const org = line.slice(c + 1).trim();
    table.starts.push(num(line.slice(0, a)));
    table.ends.push(num(line.slice(a + 1, b)));
    table.asns.push(Number(line.slice(b + 1, c)));
    table.orgs.push(org.startsWith('"') ? org.slice(1, -1).replace(/""/g, '"') : org);
  }
  return table;
}

function find<N extends number | bigint>(t: RangeTable<N>, ip: N): AsnInfo | undefined {
  let lo = 0;
  let hi = t.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid]! > ip) hi = mid - 1;
    else if (t.ends[mid]! < ip) lo = mid + 1;
    else return { asn: t.asns[mid]!, organization: t.orgs[mid]! };
  }
  return undefined;
}

let v4: RangeTable<number> | undefined;
let v6: RangeTable<bigint> | undefined;
const dataFile = (name: string) => createRequire(import.meta.url).resolve(`@ip-location-db/asn/${name}`);

/** The autonomous system announcing a public address, from the offline database (loaded on first use). */
export function asnLookup(ipText: string): AsnInfo | undefined {
  const ip = parseIp(ipText);
  if (!ip) return undefined;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as IPv4.
  const mapped = ip.version === 6 && ip.value >> 32n === 0xffffn;
  if (ip.version === 4 || mapped) return find((v4 ??= readTable(dataFile('asn-ipv4-num.csv'), Number)), Number(ip.value & 0xffffffffn));
  return find((v6 ??= readTable(dataFile('asn-ipv6-num.csv'), BigInt)), ip.value);
}
