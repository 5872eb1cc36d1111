import { isIP } from 'node:net';

/** An IP address as a number, so that equality and subnet tests are exact. */
export interface Ip {
  version: 4 | 6;
  value: bigint;
}

export interface Subnet extends Ip {
  bits: number;
}

export function parseIp(text: string): Ip | undefined {
  const version = isIP(text);
  if (version === 4) {
    const value = text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { version, value };
  }
  if (version === 6) return { version, value: parseIpv6(text) };
  return undefined;
}

function parseIpv6(text: string): bigint {

  const tailV4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  let head = text;
  const extra: number[] = [];
  if (tailV4) {
    const v4 = parseIp(tailV4[1]!)!.value;
    extra.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    head = text.slice(0, -tailV4[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.split('::');
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right !== undefined && right !== '' ? right.split(':') : [];
  const fill = 8 - extra.length - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...(head.includes('::') ? Array(Math.max(fill, 0)).fill('0') : []), ...rightGroups];
  const numbers = [...groups.map((g) => parseInt(g || '0', 16)), ...extra];
  return numbers.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

export function parseSubnet(text: string): Subnet | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (ip.version === 4 ? 32 : 128)) return undefined;
  return { ...ip, bits };
}

export function sameIp(a: Ip, b: Ip): boolean {
  return a.version === b.version && a.value === b.value;
}

export function inSubnet(ip: Ip, net: Subnet): boolean {
  if (ip.version !== net.version) return false;
  const width = BigInt(ip.version === 4 ? 32 : 128);
  const shift = width - BigInt(net.bits);
  return ip.value >> shift === net.value >> shift;
}
