/** Nanoseconds since the epoch as Falco prints alert times: `2026-11-25T10:00:00.123456789Z`. */
export function isoNanos(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const fraction = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
  return `${base}.${fraction}Z`;
}

export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

// Events arrive in time order, many within the same second: remember the last second parsed
// (a checked `YYYY-MM-DDTHH:MM:SS`; the NUL never starts a time) and read only the fraction.
let lastSecond = '\0';
let lastSecondNs = 0n;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const DOT = 0x2e;
const ZULU = 0x5a;

/** Parses an RFC 3339 time with up to nanosecond precision. */
export function parseTimeNanos(text: string): bigint | undefined {
  if (text.startsWith(lastSecond)) {
    const fraction = utcFractionNanos(text);
    if (fraction >= 0) return fraction === 0 ? lastSecondNs : lastSecondNs + BigInt(fraction);
  }
  const ns = parseTimeSlowly(text);
  if (ns !== undefined && UTC_TIME.test(text)) {
    lastSecond = text.slice(0, 19);
    lastSecondNs = ns - (ns % 1_000_000_000n);
  }
  return ns;
}

/** What follows the seconds of a UTC time (`Z`, `.123Z`, up to 9 digits) in nanoseconds; -1 for anything else. */
function utcFractionNanos(text: string): number {
  const end = text.length - 1;
  if (text.charCodeAt(end) !== ZULU) return -1;
  if (end === 19) return 0;
  if (text.charCodeAt(19) !== DOT || end < 21 || end > 29) return -1;
  let n = 0;
  for (let i = 20; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n * 10 ** (29 - end);
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
