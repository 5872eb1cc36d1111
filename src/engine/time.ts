// Alerts come in time order, many within one second: its text is made once.
let isoSecond = -1n;
let isoSecondText = '';

/** Nanoseconds since the epoch as Falco prints alert times: `2026-11-25T10:00:00.123456789Z`. */
export function isoNanos(ns: bigint): string {
  const fraction = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const second = ns - fraction;
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondText = new Date(Number(second / 1_000_000n)).toISOString().slice(0, 19);
  }
  return `${isoSecondText}.${fraction.toString().padStart(9, '0')}Z`;
}

export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

// Events arrive in time order, many within the same second: remember the last second parsed
// (a checked `YYYY-MM-DDTHH:MM:SS`; the NUL never starts a time) and read only the fraction.
let lastSecond = '\0';
let lastSecondNs = 0n;
/** The last second's seconds since the epoch in decimal, or '' before 1970-01-01T00:00:01. */
let lastSecondDecimal = '';
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const DOT = 0x2e;
const ZULU = 0x5a;
const NINE_ZEROS = '000000000';

/** Parses an RFC 3339 time with up to nanosecond precision. */
export function parseTimeNanos(text: string): bigint | undefined {
  const fraction = fractionInLastSecond(text);
  if (fraction !== undefined) return lastSecondNs + BigInt(fraction);
  const ns = parseTimeSlowly(text);
  if (ns !== undefined && UTC_TIME.test(text)) {
    lastSecond = text.slice(0, 19);
    lastSecondNs = ns - (ns % 1_000_000_000n);
    lastSecondDecimal = lastSecondNs > 0n ? (lastSecondNs / 1_000_000_000n).toString() : '';
  }
  return ns;
}

/**
 * The same time as decimal nanoseconds since the epoch (what the `*.rawtime` fields show),
 * without big-integer arithmetic for a time in the last second parsed.
 */
export function decimalNanos(text: string): string | undefined {
  const fraction = fractionInLastSecond(text);
  if (fraction !== undefined && lastSecondDecimal !== '') return lastSecondDecimal + fraction;
  return parseTimeNanos(text)?.toString();
}

/** For a UTC time in the last second parsed, its fraction (`Z`, `.5Z` … `.123456789Z`) as nine digits. */
function fractionInLastSecond(text: string): string | undefined {
  if (!text.startsWith(lastSecond)) return undefined;
  const end = text.length - 1;
  if (text.charCodeAt(end) !== ZULU) return undefined;
  if (end === 19) return NINE_ZEROS;
  if (text.charCodeAt(19) !== DOT || end < 21 || end > 29) return undefined;
  for (let i = 20; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return text.slice(20, end) + NINE_ZEROS.slice(end - 20);
}

function parseTimeSlowly(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : BigInt(ms) * 1_000_000n;
  }
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
