/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

export const HEX = /^[0-9a-fA-F]+$/;
/** detect-secrets' base64 charset: standard and URL-safe alphabets plus padding. */
export const BASE64 = /^[A-Za-z0-9+/_=-]+$/;

/**
 * Entropy as detect-secrets' HexHighEntropyString scores it: a string of digits only
 * (a phone number, a timestamp) is pushed down, since it is far more likely an id.
 */
export function hexEntropy(text: string): number {
  const entropy = shannonEntropy(text);
  if (text.length > 1 && /^[0-9]+$/.test(text)) return entropy - 1.2 / Math.log2(text.length);
  return entropy;
}

/** detect-secrets' `is_sequential_string`: runs such as `abcdef`, `123456`, `ABCDEF`. */
export function isSequential(text: string): boolean {
  const alphabets = [
    'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789ABCDEF0123456789ABCDEF',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/',
  ];
  const upper = text.toUpperCase();
  return alphabets.some((a) => a.includes(upper));
}

/** A run of `length` counting characters (`123456`, `abcdef`, `FEDCBA`) or a keyboard row: typed, not generated. */
export function hasCountingRun(text: string, length = 6): boolean {
  const lower = text.toLowerCase();
  if (/qwerty|asdfgh|zxcvbn/.test(lower)) return true;
  let up = 1;
  let down = 1;
  for (let i = 1; i < lower.length; i++) {
    const step = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    const alnum = /[a-z0-9]/.test(lower[i]!) && /[a-z0-9]/.test(lower[i - 1]!);
    up = alnum && step === 1 ? up + 1 : 1;
    down = alnum && step === -1 ? down + 1 : 1;
    if (up >= length || down >= length) return true;
  }
  return false;
}

/** The share of the string taken by its most frequent character. */
export function dominantShare(text: string): number {
  const counts = new Map<string, number>();
  let max = 0;
  for (const ch of text) {
    const n = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, n);
    if (n > max) max = n;
  }
  return text.length === 0 ? 0 : max / text.length;
}

/**
 * Base64 that decodes to readable text (an encoded sentence, a config snippet) is
 * encoding, not key material: random bytes are printable about a third of the time.
 */
export function decodesToText(text: string): boolean {
  if (text.length < 16) return false;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < 12) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable++;
  return printable / bytes.length >= 0.95;
}

/** Base64 of an image, a PDF or an archive (data embedded in notebooks, CSS, fixtures). */
export function decodesToMedia(text: string): boolean {
  const head = Buffer.from(text.slice(0, 16).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const magic = [[0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff], [0x47, 0x49, 0x46, 0x38], [0x25, 0x50, 0x44, 0x46], [0x50, 0x4b, 0x03, 0x04], [0x1f, 0x8b], [0x52, 0x49, 0x46, 0x46], [0x00, 0x00, 0x01, 0x00], [0x77, 0x4f, 0x46]];
  return magic.some((m) => m.every((b, i) => head[i] === b));
}
