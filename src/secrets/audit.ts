/**
 * `vigil secrets audit`: walks a baseline and records, per entry, whether it is a real
 * secret (`is_secret: true`) or a false positive (`is_secret: false`), as detect-secrets
 * audit does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import type { Baseline, BaselineEntry } from './baseline.js';
import { mask } from './report.js';
import { scanText } from './scan.js';

export interface AuditItem {
  /** 1-based position in the baseline (files in order, entries in order). */
  index: number;
  entry: BaselineEntry;
}

export function auditItems(baseline: Baseline): AuditItem[] {
  return Object.values(baseline.results)
    .flat()
    .map((entry, i) => ({ index: i + 1, entry }));
}

/** Entries by index, `file:line`, or a prefix (7+ characters) of the hashed secret, with the other entries for the same secret. */
export function select(items: AuditItem[], selector: string): AuditItem[] {
  let found: AuditItem[];
  if (/^\d+$/.test(selector)) found = items.filter((i) => i.index === Number(selector));
  else if (/^[0-9a-f]{7,40}$/.test(selector)) found = items.filter((i) => i.entry.hashed_secret.startsWith(selector));
  else found = items.filter((i) => `${i.entry.filename}:${i.entry.line_number}` === selector);
  if (found.length === 0) throw new UserError(`audit: no baseline entry matches "${selector}" (an index, file:line or hashed secret)`);
  // a verdict is about a secret: every entry for it in that file (one per detector) shares it
  const secrets = new Set(found.map((i) => `${i.entry.filename}\0${i.entry.hashed_secret}`));
  return items.filter((i) => secrets.has(`${i.entry.filename}\0${i.entry.hashed_secret}`));
}

/** Marks the selected entries; returns how many changed. */
export function mark(baseline: Baseline, selectors: string[], isSecret: boolean): number {
  const items = auditItems(baseline);
  let changed = 0;
  for (const s of selectors) {
    for (const { entry } of select(items, s)) {
      if (entry.is_secret !== isSecret) changed++;
      entry.is_secret = isSecret;
    }
  }
  return changed;
}

export function auditSummary(baseline: Baseline): { total: number; secrets: number; falsePositives: number; unaudited: number } {
  const entries = auditItems(baseline).map((i) => i.entry);
  return {
    total: entries.length,
    secrets: entries.filter((e) => e.is_secret === true).length,
    falsePositives: entries.filter((e) => e.is_secret === false).length,
    unaudited: entries.filter((e) => e.is_secret === undefined).length,
  };
}

/** The entry's line as it is now, its secret masked (or a note that the file or line is gone). */
export function describeEntry(entry: BaselineEntry, cwd: string): string {
  const path = resolve(cwd, entry.filename);
  if (!existsSync(path)) return '(file no longer exists)';
  const text = readFileSync(path, 'utf8');
  const hit = scanText(text, entry.filename).find((h) => h.hashedSecret === entry.hashed_secret);
  if (!hit) return '(secret no longer found in the file)';
  const line = text.split('\n')[hit.line - 1]!;
  return `${hit.line}: ${line.replace(hit.secret, mask(hit)).trim()}`;
}
