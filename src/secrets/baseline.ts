/**
 * detect-secrets' `.secrets.baseline`: the contract with a repository that already uses
 * detect-secrets. A finding is known when its (filename, hashed_secret) is in the
 * baseline, whatever line it is on now; audit marks (`is_secret`) are kept on rewrite.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import type { SecretHit } from './scan.js';

export interface BaselineEntry {
  type: string;
  filename: string;
  hashed_secret: string;
  is_verified: boolean;
  line_number: number;
  /** Set by an audit: true = a real secret, false = a false positive. */
  is_secret?: boolean;
  [extra: string]: unknown;
}

export interface Baseline {
  version: string;
  plugins_used: unknown[];
  filters_used: unknown[];
  results: Record<string, BaselineEntry[]>;
  generated_at: string;
  [extra: string]: unknown;
}

/** detect-secrets 1.5.0's default plugins and filters, so detect-secrets reads our baselines as its own. */
const PLUGINS = [
  'ArtifactoryDetector', 'AWSKeyDetector', 'AzureStorageKeyDetector', ['Base64HighEntropyString', 4.5], 'BasicAuthDetector',
  'CloudantDetector', 'DiscordBotTokenDetector', 'GitHubTokenDetector', 'GitLabTokenDetector', ['HexHighEntropyString', 3.0],
  'IbmCloudIamDetector', 'IbmCosHmacDetector', 'IPPublicDetector', 'JwtTokenDetector', 'KeywordDetector', 'MailchimpDetector',
  'NpmDetector', 'OpenAIDetector', 'PrivateKeyDetector', 'PypiTokenDetector', 'SendGridDetector', 'SlackDetector',
  'SoftlayerDetector', 'SquareOAuthDetector', 'StripeDetector', 'TelegramBotTokenDetector', 'TwilioKeyDetector',
].map((p) => (Array.isArray(p) ? { name: p[0], limit: p[1] } : p === 'KeywordDetector' ? { name: p, keyword_exclude: '' } : { name: p }));

const FILTERS = [
  'allowlist.is_line_allowlisted', 'common.is_ignored_due_to_verification_policies', 'heuristic.is_indirect_reference',
  'heuristic.is_likely_id_string', 'heuristic.is_lock_file', 'heuristic.is_not_alphanumeric_string', 'heuristic.is_potential_uuid',
  'heuristic.is_prefixed_with_dollar_sign', 'heuristic.is_sequential_string', 'heuristic.is_swagger_file', 'heuristic.is_templated_secret',
].map((f) => (f.startsWith('common.') ? { path: `detect_secrets.filters.${f}`, min_level: 2 } : { path: `detect_secrets.filters.${f}` }));

export function readBaseline(path: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: not a readable detect-secrets baseline (${err instanceof Error ? err.message : String(err)})`);
  }
  const b = data as Baseline;
  if (typeof b !== 'object' || b === null || typeof b.results !== 'object' || b.results === null || Array.isArray(b.results)) {
    throw new UserError(`${path}: not a detect-secrets baseline (no "results" object)`);
  }
  for (const [file, entries] of Object.entries(b.results)) {
    if (!Array.isArray(entries) || entries.some((e) => typeof e?.hashed_secret !== 'string')) {
      throw new UserError(`${path}: results["${file}"] must be a list of entries with a hashed_secret`);
    }
  }
  return b;
}

/** Whether a hit is already in the baseline: same file, same hashed secret. */
export function knownIn(baseline: Baseline | undefined): (hit: SecretHit) => boolean {
  const known = new Set<string>();
  for (const [file, entries] of Object.entries(baseline?.results ?? {})) {
    for (const e of entries) known.add(`${e.filename ?? file}\0${e.hashed_secret}`);
  }
  return (hit) => known.has(`${hit.file}\0${hit.hashedSecret}`);
}

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A baseline of `hits` in detect-secrets 1.5.0's layout: one entry per (type, secret,
 * line), files in order, entries by line then type. Audit marks and settings of a
 * previous baseline carry over.
 */
export function buildBaseline(hits: SecretHit[], previous?: Baseline, now = new Date()): Baseline {
  const audits = new Map<string, BaselineEntry>();
  for (const entries of Object.values(previous?.results ?? {})) {
    for (const e of entries) if (e.is_secret !== undefined) audits.set(`${e.filename}\0${e.hashed_secret}`, e);
  }
  const byFile = new Map<string, Map<string, BaselineEntry>>();
  for (const h of hits) {
    const entries = byFile.get(h.file) ?? new Map<string, BaselineEntry>();
    byFile.set(h.file, entries);
    const key = `${h.type}\0${h.hashedSecret}\0${h.line}`;
    if (entries.has(key)) continue;
    const entry: BaselineEntry = { type: h.type, filename: h.file, hashed_secret: h.hashedSecret, is_verified: false, line_number: h.line };
    const audited = audits.get(`${h.file}\0${h.hashedSecret}`);
    if (audited?.is_secret !== undefined) entry.is_secret = audited.is_secret;
    entries.set(key, entry);
  }
  const results: Record<string, BaselineEntry[]> = {};
  for (const file of [...byFile.keys()].sort()) {
    results[file] = [...byFile.get(file)!.values()].sort((a, b) => a.line_number - b.line_number || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }
  return {
    version: previous?.version ?? '1.5.0',
    plugins_used: previous?.plugins_used ?? PLUGINS,
    filters_used: previous?.filters_used ?? FILTERS,
    results,
    generated_at: timestamp(now),
  };
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}

export function readBaselineIfExists(path: string): Baseline | undefined {
  return existsSync(path) ? readBaseline(path) : undefined;
}
