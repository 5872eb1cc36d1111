import { fingerprint, type Finding, type FindingKind } from '../records/index.js';

export interface FindingInit {
  kind: FindingKind;
  rule: string;
  score: number;
  title: string;
  description: string;
  resource: string;
  resourceType: string;
  location: string;
  subject?: string;
  details?: Record<string, unknown>;
}

/** A new open Finding; `identity` are the parts that make it this finding and no other. */
export function newFinding(init: FindingInit, identity: string[], now: Date): Finding {
  const time = now.toISOString();
  return {
    fingerprint: fingerprint(init.kind, init.rule, ...identity),
    ...init,
    score: Math.max(0, Math.min(10, init.score)),
    status: 'open',
    firstSeen: time,
    lastSeen: time,
  };
}
