/** Secrets as vigil Findings: what the store keeps between scans. */
import { fingerprint, type Finding } from '../records/index.js';
import { mask } from './report.js';
import type { Located } from './scanner.js';

/**
 * The fingerprint names the scope, the file and the hashed secret, not the line: a secret
 * that moves down because lines were added above it is the same finding.
 */
export function toFinding(hit: Located, scope: string, now = new Date().toISOString()): Finding {
  const where = `${hit.file}:${hit.line}`;
  return {
    fingerprint: fingerprint('secret', scope, hit.file, hit.hashedSecret),
    kind: 'secret',
    rule: hit.rule,
    score: hit.score,
    title: `${hit.type} in ${hit.file}`,
    description: `${hit.type} (${mask(hit)}) at ${where}${hit.commit ? `, introduced in commit ${hit.commit.commit} by ${hit.commit.author} on ${hit.commit.date}` : ''}`,
    resource: hit.file,
    resourceType: 'file',
    location: hit.commit ? `${where}@${hit.commit.commit}` : where,
    status: 'open',
    firstSeen: now,
    lastSeen: now,
    details: { type: hit.type, line: hit.line, column: hit.column, hashedSecret: hit.hashedSecret, masked: mask(hit), ...(hit.commit ?? {}) },
  };
}

/** The findings of a scan of `scope`, one per secret and file. */
export function toFindings(hits: Located[], scope: string, now = new Date().toISOString()): Finding[] {
  return [...new Map(hits.map((h) => toFinding(h, scope, now)).map((f) => [f.fingerprint, f])).values()];
}
