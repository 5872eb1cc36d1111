import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseIp } from '../util/ip.js';

export interface AsnInfo {
  asn: number;
  organization: string;
}

/** Address ranges sorted by start, each with its AS and organization: searched by bisection. */
interface RangeTable<N extends number | bigint> {
  starts: ArrayLike<N>;
  ends: ArrayLike<N>;
  asns: Uint32Array;
  /** Index into `names` (an organization is named once however many ranges it has). */
  orgs: Uint32Array;
  names: string[];
}

/**
 * Reads a `start,end,asn,organization` file of the @ip-location-db/asn package (DB-IP's
 * IP-to-ASN Lite, CC BY 4.0). The organization is the rest of the line, CSV-quoted when it
 * holds a comma. IPv4 bounds go to typed arrays; IPv6 ones are bigints.
 */
function readTable<N extends number | bigint>(file: string, num: (text: string) => N): RangeTable<N> & { starts: N[]; ends: N[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(','));
  const starts: N[] = [];
  const ends: N[] = [];
  const asns = new Uint32Array(lines.length);
  const orgs = new Uint32Array(lines.length);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  lines.forEach((line, i) => {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    const raw = line.slice(c + 1).trim();
    const name = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
    let n = nameIndex.get(name);
    if (n === undefined) nameIndex.set(name, (n = names.push(name) - 1));
    starts.push(num(line.slice(0, a)));
    ends.push(num(line.slice(a + 1, b)));
    asns[i] = Number(line.slice(b + 1, c));
    orgs[i] = n;
  });
  return { starts, ends, asns, orgs, names };
}

function find<N extends number | bigint>(t: RangeTable<N>, ip: N): AsnInfo | undefined {
  let lo = 0;
  let hi = t.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid]! > ip) hi = mid - 1;
    else if (t.ends[mid]! < ip) lo = mid + 1;
    else return { asn: t.asns[mid]!, organization: t.names[t.orgs[mid]!]! };
  }
  return undefined;
}

let v4: RangeTable<number> | undefined;
let v6: RangeTable<bigint> | undefined;
/** IPv4 bounds fit doubles exactly: kept in typed arrays, not as boxed numbers. */
function ipv4Table(): RangeTable<number> {
  const t = readTable(dataFile('asn-ipv4-num.csv'), Number);
  return { ...t, starts: Float64Array.from(t.starts), ends: Float64Array.from(t.ends) };
}

const dataFile = (name: string) => createRequire(import.meta.url).resolve(`@ip-location-db/asn/${name}`);

/** The autonomous system announcing a public address, from the offline database (loaded on first use). */
export function asnLookup(ipText: string): AsnInfo | undefined {
  const ip = parseIp(ipText);
  if (!ip) return undefined;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as IPv4.
  const mapped = ip.version === 6 && ip.value >> 32n === 0xffffn;
  if (ip.version === 4 || mapped) return find((v4 ??= ipv4Table()), Number(ip.value & 0xffffffffn));
  return find((v6 ??= readTable(dataFile('asn-ipv6-num.csv'), BigInt)), ip.value);
}
