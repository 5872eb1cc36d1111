/**
 * Falco compares strings as bytes. vigil keeps them as JavaScript strings and represents a
 * byte that is not part of valid UTF-8 as the lone surrogate U+DC00+byte ("surrogate
 * escape"), so raw bytes round-trip and compare exactly while ordinary text stays text.
 */

const ESCAPE_BASE = 0xdc00;

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

export function bytesToString(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const len = sequenceLength(lead);
    let cp = -1;
    if (len === 1) cp = lead;
    else if (len > 1 && i + len <= bytes.length) {
      cp = lead & (0xff >> (len + 1));
      for (let k = 1; k < len; k++) {
        const b = bytes[i + k]!;
        if ((b & 0xc0) !== 0x80) {
          cp = -1;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
      const min = [0, 0, 0x80, 0x800, 0x10000][len]!;
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = -1;
    }
    if (cp < 0) {
      out += String.fromCharCode(ESCAPE_BASE + lead);
      i++;
    } else {
      out += String.fromCodePoint(cp);
      i += len;
    }
  }
  return out;
}

const hasEscapes = /[\udc80-\udcff]/;

export function stringToBytes(s: string): Buffer {
  if (!hasEscapes.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff)) {
      parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.from([c - ESCAPE_BASE]));
      start = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The string as a regular expression sees it: raw bytes become U+FFFD. */
export function forRegex(s: string): string {
  return hasEscapes.test(s) ? s.replace(/[\udc80-\udcff]/g, '\ufffd') : s;
}

/** Length in bytes, as Falco's len() counts. */
export function byteLength(s: string): number {
  return hasEscapes.test(s) ? stringToBytes(s).length : Buffer.byteLength(s, 'utf8');
}
