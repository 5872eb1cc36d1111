import { createHash } from 'node:crypto';
import { detectors, type Detector } from './detectors.js';
import { dominantShare, shannonEntropy } from './entropy.js';
import { holdsNoPlaintext, scanLines } from './generic.js';

/** One secret seen by one detector at one place. */
export interface SecretHit {
  /** Detector id (`github-ghp`, `keyword`, `base64-entropy`, …). */
  rule: string;
  /** detect-secrets' type name, kept so baselines written by either tool agree. */
  type: string;
  secret: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** SHA-1 of the secret as detect-secrets hashes it (its `hashed_secret`). */
  hashedSecret: string;
  score: number;
}

export interface ScanTextOptions {
  /**
   * When the text is a selection of lines (the added lines of a diff), the real line
   * number of each of its lines, in order.
   */
  lineNumbers?: number[];
  /** Extra allow patterns (from the config): a secret or its line matching one is dropped. */
  allow?: RegExp[];
}

export const GENERIC_SCORE = 6;

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Lines that carry an inline allowlist comment, or follow a `nextline` one. */
function allowlistedLines(text: string, lines: string[]): Set<number> {
  const allowed = new Set<number>();
  if (!/pragma|gitleaks:allow/i.test(text)) return allowed;
  lines.forEach((line, i) => {
    if (!/pragma|gitleaks:allow/i.test(line)) return;
    if (/pragma:\s*(?:allow|white)list[ -]nextline[ -]secret/i.test(line)) allowed.add(i + 1);
    else if (/pragma:\s*(?:allow|white)list[ -]secret|gitleaks:allow/i.test(line)) allowed.add(i);
  });
  return allowed;
}

const KEYWORDS = [...new Set(detectors.flatMap((d) => d.keywords))].sort((a, b) => b.length - a.length);
/** One pass for every keyword: at each position, the longest keyword starting there. */
const KEYWORD_SCAN = new RegExp(KEYWORDS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');

/** The keywords that occur in `lower` (gitleaks' prefilter, as one regular expression). */
function presentKeywords(lower: string): Set<string> {
  const matched = new Set<string>();
  KEYWORD_SCAN.lastIndex = 0;
  for (let m = KEYWORD_SCAN.exec(lower); m; m = KEYWORD_SCAN.exec(lower)) {
    matched.add(m[0]);
    KEYWORD_SCAN.lastIndex = m.index + 1; // overlapping keywords start inside a match
  }
  // a shorter keyword inside a longer one found at the same place (`sk` in `sk_live`)
  return new Set(KEYWORDS.filter((k) => [...matched].some((m) => m.includes(k))));
}

function accepted(d: Detector, secret: string): boolean {
  if (d.minEntropy !== undefined && (shannonEntropy(secret) < d.minEntropy || dominantShare(secret) > 0.5)) return false;
  if (d.allow?.some((a) => a.test(secret))) return false;
  return d.valid ? d.valid(secret) : true;
}

/** Every hit in `text`, provider detectors first, then keyword and entropy. */
export function scanText(text: string, file: string, options: ScanTextOptions = {}): SecretHit[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const allowed = allowlistedLines(text, lines);
  const hits: SecretHit[] = [];
  const add = (rule: string, type: string, secret: string, index: number, column: number, score: number, hashText = secret): void => {
    if (allowed.has(index)) return;
    if (options.allow?.some((a) => a.test(secret) || a.test(lines[index]!))) return;
    hits.push({
      rule,
      type,
      secret,
      file,
      line: options.lineNumbers?.[index] ?? index + 1,
      column: column + 1,
      hashedSecret: sha1(hashText),
      score,
    });
  };

  const present = presentKeywords(text.toLowerCase());
  // provider-shaped values that fail the provider's checks (a bad checksum, a documented example)
  const fakes: Array<[number, number]> = [];
  for (const d of detectors) {
    if (d.keywords.length > 0 && !d.keywords.some((k) => present.has(k))) continue;
    for (const m of text.matchAll(d.pattern)) {
      const secret = m.groups?.s ?? m[0];
      // the secret group ends every keyed pattern, so its last occurrence in the match is it
      const start = m.index + m[0].lastIndexOf(secret);
      if (!accepted(d, secret)) {
        fakes.push([start, start + secret.length]);
        continue;
      }
      const index = lineOf(start);
      add(d.id, d.type, secret, index, start - starts[index]!, d.score ?? 8, d.hashText?.(secret));
    }
  }
  if (!holdsNoPlaintext(file, text)) {
    for (const h of scanLines(text, lines, starts, lineOf, file)) {
      const from = starts[h.index]! + h.column;
      if (fakes.some(([a, b]) => from < b && a < from + h.secret.length)) continue; // the generic detectors would report the fake
      add(h.detector, h.type, h.secret, h.index, h.column, GENERIC_SCORE);
    }
  }
  return hits;
}

/**
 * One hit per secret per line, for reporting: the first detector wins (providers come
 * first), and a generic hit inside a provider's match is the same secret seen twice.
 */
export function uniqueHits<T extends SecretHit>(hits: T[]): T[] {
  const kept: T[] = [];
  for (const h of hits) {
    const same = kept.some(
      (k) =>
        k.file === h.file &&
        k.line === h.line &&
        (k.secret === h.secret ||
          (h.column < k.column + k.secret.length && k.column < h.column + h.secret.length)),
    );
    if (!same) kept.push(h);
  }
  return kept.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
}
