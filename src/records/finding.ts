import { createHash } from 'node:crypto';

export type FindingKind = 'secret' | 'drift' | 'posture' | 'trust';
export type FindingStatus = 'open' | 'fixed' | 'accepted';

/**
 * A condition that stays true until it is fixed: a secret in a file, a drifted bucket,
 * a failed posture check. The fingerprint is stable across scans, so a re-scan that no
 * longer sees a finding marks it fixed and the same finding seen twice is one finding.
 */
export interface Finding {
  fingerprint: string;
  kind: FindingKind;
  /** What found it: a detector, a drift rule, a CIS check id. */
  rule: string;
  /** 0 (informational) to 10 (critical). */
  score: number;
  title: string;
  description: string;
  /** What it is about: a file path, an ARN, a bucket name. */
  resource: string;
  resourceType?: string;
  /** Where: file:line, account/region, commit. */
  location?: string;
  /**
   * The thing it is about as its producer keys it (drift: `type:id` of the resource), so the
   * findings of one subject can be reconciled on their own when only that subject changed.
   */
  subject?: string;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  details?: Record<string, unknown>;
}

/** A stable fingerprint from the parts that identify a finding (never from timestamps). */
export function fingerprint(kind: FindingKind, ...parts: string[]): string {
  const hash = createHash('sha256');
  hash.update(kind);
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('hex').slice(0, 32);
}
