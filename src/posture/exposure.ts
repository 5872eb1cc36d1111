/**
 * Security meaning derived from raw attributes, shared by drift, posture checks and the
 * trust graph: is a bucket public, is a rule open to the world, who does a trust policy admit.
 */
import {
  asList,
  statements,
  type BucketAttributes,
  type Grant,
  type PolicyDocument,
  type PublicAccessBlock,
  type SecurityGroupRule,
} from './model.js';

const PUBLIC_GRANTEES = new Set(['AllUsers', 'AuthenticatedUsers']);
const WORLD = new Set(['0.0.0.0/0', '::/0']);

export function isWorld(source: string): boolean {
  return WORLD.has(source);
}

/** Why a bucket is public (empty when it is not), given its own and the account's block. */
export function bucketExposure(b: BucketAttributes, account?: PublicAccessBlock | null): string[] {
  const block = (flag: keyof PublicAccessBlock) => Boolean(b.publicAccessBlock?.[flag] || account?.[flag]);
  const reasons: string[] = [];
  if (!block('ignorePublicAcls')) {
    for (const g of b.acl ?? []) if (PUBLIC_GRANTEES.has(g.grantee)) reasons.push(`ACL grants ${g.permission} to ${g.grantee}`);
  }
  if (!block('restrictPublicBuckets')) {
    for (const s of publicStatements(b.policy)) reasons.push(`policy allows ${asList(s.Action).join(', ') || 'actions'} to everyone`);
  }
  return reasons;
}

/** Allow statements whose principal is everyone and that no condition narrows. */
export function publicStatements(doc: PolicyDocument | null | undefined) {
  return statements(doc).filter((s) => s.Effect === 'Allow' && Object.keys(s.Condition ?? {}).length === 0 && principalValues(s.Principal).some((p) => p.value === '*'));
}

export interface Principal {
  kind: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | '*';
  value: string;
}

export function principalValues(p: '*' | Record<string, string | string[]> | undefined): Principal[] {
  if (p === undefined) return [];
  if (p === '*') return [{ kind: '*', value: '*' }];
  return Object.entries(p).flatMap(([kind, v]) => asList(v).map((value) => ({ kind: kind as Principal['kind'], value })));
}

/** The account an AWS principal belongs to: `123456789012`, `arn:aws:iam::123456789012:root`, a role/user ARN. */
export function principalAccount(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

/** True when the rule admits `port` over TCP (or every protocol). */
export function coversPort(rule: SecurityGroupRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== 'tcp') return false;
  if (rule.fromPort === null || rule.toPort === null) return true;
  return rule.fromPort <= port && port <= rule.toPort;
}

export const ADMIN_PORTS = [22, 3389];

export function describeRule(r: SecurityGroupRule): string {
  const ports = r.protocol === '-1' || r.fromPort === null ? 'all ports' : r.fromPort === r.toPort ? `port ${r.fromPort}` : `ports ${r.fromPort}-${r.toPort}`;
  return `${r.protocol === '-1' ? 'all traffic' : r.protocol} ${ports} from ${r.source}`;
}

export function ruleKey(r: SecurityGroupRule): string {
  return `${r.protocol}:${r.fromPort ?? '*'}-${r.toPort ?? '*'}:${r.source}`;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/**
 * One normalised rule per source, whatever the shape it came in (EC2 API, Terraform,
 * CloudTrail): protocol names lower case, `-1` for all, ports null when they do not apply.
 */
export function normaliseRules(input: {
  protocol: string;
  fromPort?: number | null;
  toPort?: number | null;
  sources: Array<string | undefined | null>;
}): SecurityGroupRule[] {
  const p = String(input.protocol).toLowerCase();
  const protocol = PROTOCOL_NAMES[p] ?? p;
  const allPorts = protocol === '-1' || input.fromPort === undefined || input.fromPort === null || (input.fromPort === -1 && input.toPort === -1);
  const fromPort = allPorts ? null : input.fromPort!;
  const toPort = allPorts ? null : (input.toPort ?? input.fromPort!);
  return input.sources.filter((s): s is string => !!s).map((source) => ({ protocol, fromPort, toPort, source }));
}

/** Canned S3 ACLs as grants (the owner's FULL_CONTROL included). */
export function cannedAcl(name: string): Grant[] {
  const owner: Grant = { grantee: 'owner', permission: 'FULL_CONTROL' };
  switch (name) {
    case 'public-read':
      return [owner, { grantee: 'AllUsers', permission: 'READ' }];
    case 'public-read-write':
      return [owner, { grantee: 'AllUsers', permission: 'READ' }, { grantee: 'AllUsers', permission: 'WRITE' }];
    case 'authenticated-read':
      return [owner, { grantee: 'AuthenticatedUsers', permission: 'READ' }];
    case 'log-delivery-write':
      return [owner, { grantee: 'LogDelivery', permission: 'WRITE' }, { grantee: 'LogDelivery', permission: 'READ_ACP' }];
    default:
      return [owner];
  }
}

/** `http://acs.amazonaws.com/groups/global/AllUsers` → `AllUsers` */
export function granteeName(g: { type?: string; uri?: string; id?: string; email?: string }, ownerId?: string): string {
  if (g.uri) return g.uri.split('/').pop()!;
  if (g.id && g.id === ownerId) return 'owner';
  return g.id ?? g.email ?? 'unknown';
}
