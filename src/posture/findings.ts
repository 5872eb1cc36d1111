import { fingerprint, type Finding } from '../records/index.js';

/** What a posture producer says of a finding; the rest (fingerprint, status, times) is made here. */
export type FindingInit = Omit<Finding, 'fingerprint' | 'status' | 'firstSeen' | 'lastSeen'> & Required<Pick<Finding, 'resourceType' | 'location'>>;

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
