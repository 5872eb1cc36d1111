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

// Events arrive in time order, many within the same second: remember the last second parsed.
let lastSecond = '';
let lastSecondNs = 0n;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Parses an RFC 3339 time with up to nanosecond precision. */
export function parseTimeNanos(text: string): bigint | undefined {
  const second = text.slice(0, 19);
  if (second === lastSecond && UTC_TIME.test(text)) {
    const dot = text.indexOf('.', 19);
    return dot < 0 ? lastSecondNs : lastSecondNs + BigInt(text.slice(dot + 1, -1).padEnd(9, '0'));
  }
  const ns = parseTimeSlowly(text);
  if (ns !== undefined && UTC_TIME.test(text)) {
    lastSecond = second;
    lastSecondNs = ns - (ns % 1_000_000_000n);
  }
  return ns;
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
