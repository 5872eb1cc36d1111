/**
 * Drift: the actual state (a snapshot) against the expected state. Three kinds, each a
 * Finding of kind 'drift': a resource nobody expected, an expected resource that is gone,
 * and a security-relevant attribute that changed. What counts, and how much it weighs, is
 * one declarative entry per resource type in DRIFT_TABLE.
 */
import type { Finding } from '../records/index.js';
import {
  resourceKey,
  statements,
  type AccessKeyAttributes,
  type BucketAttributes,
  type KeyAttributes,
  type PublicAccessBlock,
  type Resource,
  type ResourceType,
  type RoleAttributes,
  type SecurityGroupAttributes,
  type SecurityGroupRule,
  type Snapshot,
  type TrailAttributes,
  type UserAttributes,
  type AccountAttributes,
} from './model.js';
import type { DeclaredInventory } from './declared.js';
import type { ExpectedState } from './expected.js';
import { ADMIN_PORTS, bucketExposure, coversPort, describeRule, isWorld, principalAccount, principalValues, ruleKey } from './exposure.js';
import { SELF } from './terraform.js';
import { newFinding } from './findings.js';

export interface DriftContext {
  account: string;
  declared: DeclaredInventory;
  /** Accounts that may appear in trust policies: the account itself and the declared ones. */
  trusted: Set<string>;
  expectedAccountBlock?: PublicAccessBlock | null;
  actualAccountBlock?: PublicAccessBlock | null;
}

/** One drift found by a change rule; `detail` separates several drifts of one rule on one resource. */
interface Change {
  detail?: string;
  score: number;
  description: string;
}

interface ChangeRule {
  name: string;
  finding: string;
  detect(expected: Resource, actual: Resource, ctx: DriftContext): Change[];
}

interface DriftEntry {
  type: ResourceType;
  label: string;
  /** resourceType and ruleType of the seed-003 alert format. */
  alertType: string;
  ruleType: string;
  /** Ids the declared inventory allows to exist without infrastructure as code. */
  allowed?: (d: DeclaredInventory) => string[];
  /** Declaring some of this type makes every other one unexpected (the identities of the CMDB). */
  declaredTracks?: boolean;
  /** Tracked whenever this other type is (access keys belong to users). */
  trackedWith?: ResourceType;
  unexpected?: { score: number | ((r: Resource, ctx: DriftContext) => number); finding: string; ignore?: (r: Resource) => boolean; say?: (r: Resource) => string };
  missing?: { score: number; finding: string };
  changes?: ChangeRule[];
}

const get = <T>(r: Resource) => r.attributes as T;
const known = (...values: unknown[]) => values.every((v) => v !== undefined);
const ADMIN_POLICY = /AdministratorAccess$|IAMFullAccess$|PowerUserAccess$/;

/** Items of `actual` not in `expected`, by key. */
function added<T>(expected: T[] | undefined, actual: T[] | undefined, key: (t: T) => string = String): T[] {
  if (!known(expected, actual)) return [];
  const have = new Set(expected!.map(key));
  return actual!.filter((t) => !have.has(key(t)));
}

const policyAttached = (label: string): ChangeRule => ({
  name: 'policy-attached',
  finding: 'policy attached',
  detect: (e, a) =>
    added(get<UserAttributes>(e).attachedPolicies, get<UserAttributes>(a).attachedPolicies).map((arn) => ({
      detail: arn,
      score: ADMIN_POLICY.test(arn) ? 8 : 5,
      description: `policy ${arn} was attached to ${label} ${a.id} outside infrastructure as code`,
    })),
});

const inlinePolicyAdded = (label: string): ChangeRule => ({
  name: 'inline-policy-added',
  finding: 'inline policy added',
  detect: (e, a) =>
    added(get<UserAttributes>(e).inlinePolicies, get<UserAttributes>(a).inlinePolicies).map((name) => ({
      detail: name,
      score: 6,
      description: `inline policy ${name} was added to ${label} ${a.id} outside infrastructure as code`,
    })),
});

function one(condition: boolean, score: number, description: string): Change[] {
  return condition ? [{ score, description }] : [];
}

function trustedPrincipal(value: string, kind: string, ctx: DriftContext): boolean {
  if (kind !== 'AWS') return true;
  const account = principalAccount(value);
  return account !== undefined && ctx.trusted.has(account);
}

const FLAG_NAMES: Array<keyof PublicAccessBlock> = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'];
function weakened(e: PublicAccessBlock | null | undefined, a: PublicAccessBlock | null | undefined): string[] {
  if (e === undefined || a === undefined || e === null) return [];
  return FLAG_NAMES.filter((f) => e[f] && !a?.[f]);
}

export const DRIFT_TABLE: DriftEntry[] = [
  {
    type: 'account',
    label: 'account',
    alertType: 'Account',
    ruleType: 'AccountChecks',
    changes: [
      {
        name: 'public-access-block-weakened',
        finding: 'account public access block weakened',
        detect: (e, a) => {
          const flags = weakened(get<AccountAttributes>(e).publicAccessBlock, get<AccountAttributes>(a).publicAccessBlock);
          return one(flags.length > 0, 7, `the account-level S3 public access block no longer sets ${flags.join(', ')}`);
        },
      },
    ],
  },
  {
    type: 'iam.user',
    label: 'IAM user',
    alertType: 'IAMUser',
    ruleType: 'UserChecks',
    allowed: (d) => d.users,
    declaredTracks: true,
    unexpected: {
      score: (r) => (get<UserAttributes>(r).attachedPolicies?.some((p) => ADMIN_POLICY.test(p)) ? 9 : 7),
      finding: 'unknown user',
      say: (r) => {
        const u = get<UserAttributes>(r);
        const parts = [u.consoleAccess ? 'has console access' : '', u.attachedPolicies?.length ? `has ${u.attachedPolicies.join(', ')} attached` : ''];
        return parts.filter(Boolean).join(' and ');
      },
    },
    missing: { score: 2, finding: 'user missing' },
    changes: [
      {
        name: 'mfa-removed',
        finding: 'MFA removed',
        detect: (e, a) => {
          const [em, am] = [get<UserAttributes>(e).mfaDevices, get<UserAttributes>(a).mfaDevices];
          return one(known(em, am) && em!.length > 0 && am!.length === 0, 7, `IAM user ${a.id} had an MFA device and now has none`);
        },
      },
      {
        name: 'console-access-added',
        finding: 'console access added',
        detect: (e, a) =>
          one(get<UserAttributes>(e).consoleAccess === false && get<UserAttributes>(a).consoleAccess === true, 6, `IAM user ${a.id} was given a console password outside infrastructure as code`),
      },
      policyAttached('IAM user'),
      inlinePolicyAdded('IAM user'),
      {
        name: 'group-added',
        finding: 'added to group',
        detect: (e, a) =>
          added(get<UserAttributes>(e).groups, get<UserAttributes>(a).groups).map((g) => ({
            detail: g,
            score: 5,
            description: `IAM user ${a.id} was added to group ${g} outside infrastructure as code`,
          })),
      },
    ],
  },
  {
    type: 'iam.access_key',
    label: 'access key',
    alertType: 'AccessKey',
    ruleType: 'UserChecks',
    allowed: (d) => d.accessKeys,
    declaredTracks: true,
    trackedWith: 'iam.user',
    unexpected: { score: (r) => (get<AccessKeyAttributes>(r).status === 'Inactive' ? 4 : 8), finding: 'unknown access key', say: (r) => `belongs to ${get<AccessKeyAttributes>(r).user ?? 'an unknown user'}, ${get<AccessKeyAttributes>(r).status ?? ''}`.trim() },
    missing: { score: 1, finding: 'access key missing' },
    changes: [
      {
        name: 'key-reactivated',
        finding: 'access key reactivated',
        detect: (e, a) =>
          one(get<AccessKeyAttributes>(e).status === 'Inactive' && get<AccessKeyAttributes>(a).status === 'Active', 6, `access key ${a.id} was deactivated in code and is active`),
      },
    ],
  },
  {
    type: 'iam.role',
    label: 'IAM role',
    alertType: 'IAMRole',
    ruleType: 'TrustChecks',
    allowed: (d) => d.roles,
    declaredTracks: true,
    unexpected: { score: 6, finding: 'unknown role', ignore: (r) => (get<RoleAttributes>(r).path ?? '').startsWith('/aws-service-role/') },
    missing: { score: 3, finding: 'role missing' },
    changes: [
      {
        name: 'trust-widened',
        finding: 'trust policy widened',
        detect: (e, a, ctx) => {
          const principals = (r: Resource) =>
            statements(get<RoleAttributes>(r).trustPolicy)
              .filter((s) => s.Effect === 'Allow')
              .flatMap((s) => principalValues(s.Principal));
          if (!known(get<RoleAttributes>(e).trustPolicy, get<RoleAttributes>(a).trustPolicy)) return [];
          return added(principals(e), principals(a), (p) => `${p.kind}:${p.value}`).map((p) => ({
            detail: `${p.kind}:${p.value}`,
            score: p.value === '*' ? 10 : trustedPrincipal(p.value, p.kind, ctx) ? 6 : 9,
            description: `the trust policy of role ${a.id} now also admits ${p.kind === '*' ? 'everyone (*)' : `${p.kind} ${p.value}`}${p.kind === 'AWS' && !trustedPrincipal(p.value, p.kind, ctx) ? ', an account that is not declared as trusted' : ''}`,
          }));
        },
      },
      policyAttached('IAM role'),
      inlinePolicyAdded('IAM role'),
    ],
  },
  { type: 'iam.group', label: 'IAM group', alertType: 'IAMGroup', ruleType: 'UserChecks', unexpected: { score: 4, finding: 'unknown group' }, missing: { score: 2, finding: 'group missing' }, changes: [policyAttached('IAM group')] },
  {
    type: 'iam.policy',
    label: 'IAM policy',
    alertType: 'IAMPolicy',
    ruleType: 'UserChecks',
    unexpected: { score: 3, finding: 'unknown policy', ignore: (r) => r.id.startsWith('arn:aws:iam::aws:') },
    missing: { score: 2, finding: 'policy missing' },
    changes: [
      {
        name: 'policy-document-changed',
        finding: 'policy document changed',
        detect: (e, a) => {
          const [ed, ad] = [e.attributes.document, a.attributes.document];
          return one(known(ed, ad) && canonical(ed) !== canonical(ad), 6, `the document of managed policy ${a.name ?? a.id} differs from infrastructure as code`);
        },
      },
    ],
  },
  {
    type: 's3.bucket',
    label: 'S3 bucket',
    alertType: 'S3Bucket',
    ruleType: 'BucketChecks',
    allowed: (d) => [...d.publicBuckets, ...d.allowedBuckets],
    unexpected: { score: (r, ctx) => (bucketExposure(get<BucketAttributes>(r), ctx.actualAccountBlock).length > 0 ? 8 : 4), finding: 'unknown bucket', say: (r) => bucketExposure(get<BucketAttributes>(r)).join('; ') },
    missing: { score: 4, finding: 'bucket missing' },
    changes: [
      {
        name: 'bucket-public',
        finding: 'bucket became public',
        detect: (e, a, ctx) => {
          if (ctx.declared.publicBuckets.includes(a.id)) return [];
          const before = bucketExposure(get<BucketAttributes>(e), ctx.expectedAccountBlock);
          const now = bucketExposure(get<BucketAttributes>(a), ctx.actualAccountBlock);
          return one(before.length === 0 && now.length > 0, 9, `bucket ${a.id} was private in the expected state and is public: ${now.join('; ')}`);
        },
      },
      {
        name: 'encryption-removed',
        finding: 'encryption removed',
        detect: (e, a) => {
          const [ee, ae] = [get<BucketAttributes>(e).encryption, get<BucketAttributes>(a).encryption];
          return one(known(ee, ae) && !!ee && !ae, 6, `bucket ${a.id} should have default encryption ${ee} and has none`);
        },
      },
      {
        name: 'public-access-block-weakened',
        finding: 'public access block weakened',
        detect: (e, a) => {
          const flags = weakened(get<BucketAttributes>(e).publicAccessBlock, get<BucketAttributes>(a).publicAccessBlock);
          return one(flags.length > 0, 6, `the public access block of bucket ${a.id} no longer sets ${flags.join(', ')}`);
        },
      },
      {
        name: 'versioning-disabled',
        finding: 'versioning disabled',
        detect: (e, a) =>
          one(get<BucketAttributes>(e).versioning === 'Enabled' && known(get<BucketAttributes>(a).versioning) && get<BucketAttributes>(a).versioning !== 'Enabled', 4, `versioning of bucket ${a.id} is ${get<BucketAttributes>(a).versioning}, expected Enabled`),
      },
      {
        name: 'logging-disabled',
        finding: 'access logging disabled',
        detect: (e, a) => one(!!get<BucketAttributes>(e).logging && get<BucketAttributes>(a).logging === null, 4, `access logging of bucket ${a.id} was turned off`),
      },
      {
        name: 'policy-changed',
        finding: 'bucket policy changed',
        detect: (e, a) => {
          const [ep, ap] = [get<BucketAttributes>(e).policy, get<BucketAttributes>(a).policy];
          return one(known(ep, ap) && canonical(ep) !== canonical(ap), 5, `the policy of bucket ${a.id} differs from infrastructure as code`);
        },
      },
    ],
  },
  {
    type: 'ec2.security_group',
    label: 'security group',
    alertType: 'SecurityGroup',
    ruleType: 'NetworkChecks',
    unexpected: { score: 4, finding: 'unknown security group', ignore: (r) => get<SecurityGroupAttributes>(r).groupName === 'default' },
    missing: { score: 3, finding: 'security group missing' },
    changes: [
      {
        name: 'ingress-added',
        finding: 'ingress rule added',
        detect: (e, a) =>
          added(get<SecurityGroupAttributes>(e).ingress, get<SecurityGroupAttributes>(a).ingress, ruleKey).map((r) => ({
            detail: ruleKey(r),
            score: ingressScore(r),
            description: `security group ${a.name ?? a.id} (${a.id}) admits ${describeRule(r)}, which infrastructure as code does not`,
          })),
      },
    ],
  },
  {
    type: 'cloudtrail.trail',
    label: 'CloudTrail trail',
    alertType: 'CloudTrail',
    ruleType: 'LoggingChecks',
    unexpected: { score: 4, finding: 'unknown trail' },
    missing: { score: 8, finding: 'trail missing' },
    changes: [
      { name: 'logging-stopped', finding: 'trail logging stopped', detect: (e, a) => one(get<TrailAttributes>(e).logging === true && get<TrailAttributes>(a).logging === false, 9, `trail ${a.id} has stopped logging`) },
      { name: 'multi-region-disabled', finding: 'trail no longer multi-region', detect: (e, a) => one(get<TrailAttributes>(e).multiRegion === true && get<TrailAttributes>(a).multiRegion === false, 6, `trail ${a.id} no longer records every region`) },
      { name: 'log-validation-disabled', finding: 'log file validation disabled', detect: (e, a) => one(get<TrailAttributes>(e).logFileValidation === true && get<TrailAttributes>(a).logFileValidation === false, 6, `log file validation of trail ${a.id} was turned off`) },
      { name: 'trail-encryption-removed', finding: 'trail encryption removed', detect: (e, a) => one(!!get<TrailAttributes>(e).kmsKeyId && get<TrailAttributes>(a).kmsKeyId === null, 5, `trail ${a.id} no longer encrypts its logs with KMS`) },
    ],
  },
  {
    type: 'guardduty.detector',
    label: 'GuardDuty detector',
    alertType: 'GuardDuty',
    ruleType: 'DetectionChecks',
    missing: { score: 7, finding: 'GuardDuty detector missing' },
    changes: [{ name: 'detector-disabled', finding: 'GuardDuty disabled', detect: (e, a) => one(e.attributes.status === 'ENABLED' && a.attributes.status === 'DISABLED', 8, `GuardDuty detector ${a.id} in ${a.region ?? 'its region'} was disabled`) }],
  },
  {
    type: 'kms.key',
    label: 'KMS key',
    alertType: 'KMSKey',
    ruleType: 'KeyChecks',
    missing: { score: 4, finding: 'KMS key missing' },
    changes: [
      { name: 'rotation-disabled', finding: 'key rotation disabled', detect: (e, a) => one(get<KeyAttributes>(e).rotationEnabled === true && get<KeyAttributes>(a).rotationEnabled === false, 5, `automatic rotation of KMS key ${a.id} was turned off`) },
      {
        name: 'key-state-changed',
        finding: 'key disabled or pending deletion',
        detect: (e, a) => one(get<KeyAttributes>(e).state === 'Enabled' && known(get<KeyAttributes>(a).state) && get<KeyAttributes>(a).state !== 'Enabled', 7, `KMS key ${a.id} is ${get<KeyAttributes>(a).state}, expected Enabled`),
      },
    ],
  },
  { type: 'gcp.service_account', label: 'service account', alertType: 'ServiceAccount', ruleType: 'UserChecks', unexpected: { score: 7, finding: 'unknown service account' }, missing: { score: 2, finding: 'service account missing' } },
  { type: 'gcp.service_account_key', label: 'service account key', alertType: 'ServiceAccountKey', ruleType: 'UserChecks', unexpected: { score: 8, finding: 'unknown service account key' } },
  {
    type: 'gcp.bucket',
    label: 'storage bucket',
    alertType: 'StorageBucket',
    ruleType: 'BucketChecks',
    allowed: (d) => [...d.publicBuckets, ...d.allowedBuckets],
    unexpected: { score: 4, finding: 'unknown bucket' },
    missing: { score: 4, finding: 'bucket missing' },
    changes: [
      {
        name: 'bucket-public',
        finding: 'bucket became public',
        detect: (e, a, ctx) => {
          if (ctx.declared.publicBuckets.includes(a.id)) return [];
          return one(!gcpPublic(e) && gcpPublic(a), 9, `bucket ${a.id} grants access to allUsers or allAuthenticatedUsers`);
        },
      },
    ],
  },
  {
    type: 'gcp.firewall',
    label: 'firewall rule',
    alertType: 'Firewall',
    ruleType: 'NetworkChecks',
    unexpected: { score: 5, finding: 'unknown firewall rule' },
    missing: { score: 3, finding: 'firewall rule missing' },
    changes: [
      {
        name: 'source-widened',
        finding: 'firewall source widened',
        detect: (e, a) =>
          added(e.attributes.sourceRanges as string[] | undefined, a.attributes.sourceRanges as string[] | undefined).map((range) => ({
            detail: range,
            score: isWorld(range) ? 8 : 5,
            description: `firewall rule ${a.id} now also admits ${range}`,
          })),
      },
    ],
  },
];

const TABLE = new Map(DRIFT_TABLE.map((e) => [e.type, e]));

function gcpPublic(r: Resource): boolean {
  return ((r.attributes.bindings as Array<{ members: string[] }> | undefined) ?? []).some((b) => b.members.some((m) => m === 'allUsers' || m === 'allAuthenticatedUsers'));
}

function ingressScore(r: SecurityGroupRule): number {
  if (!isWorld(r.source)) return 5;
  return ADMIN_PORTS.some((p) => coversPort(r, p)) ? 9 : 7;
}

/** JSON with sorted keys and single values unwrapped from lists, so equal policies compare equal. */
function canonical(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.length === 1 ? norm(x[0]) : x.map(norm).map((y) => JSON.stringify(y)).sort();
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, y]) => [k, norm(y)]));
    return x;
  };
  return JSON.stringify(norm(v));
}

export function driftContext(expected: ExpectedState, actual: Snapshot): DriftContext {
  const accountOf = (resources: Iterable<Resource>) => [...resources].find((r) => r.type === 'account')?.attributes as AccountAttributes | undefined;
  return {
    account: actual.account,
    declared: expected.declared,
    trusted: new Set([actual.account, ...expected.declared.trustedAccounts.map((a) => a.id)]),
    expectedAccountBlock: accountOf(expected.resources.values())?.publicAccessBlock,
    actualAccountBlock: accountOf(actual.resources)?.publicAccessBlock,
  };
}

/** Expected resources for this snapshot's provider, the Terraform account placeholder resolved. */
function expectedFor(expected: ExpectedState, actual: Snapshot): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const r of expected.resources.values()) {
    if (r.type.startsWith('gcp.') !== (actual.provider === 'gcp')) continue;
    const resolved = r.type === 'account' && (r.id === SELF || r.id === actual.account) ? { ...r, id: actual.account } : r;
    out.set(resourceKey(resolved), resolved);
  }
  return out;
}

function trackedTypes(expected: Map<string, Resource>, declared: DeclaredInventory): Set<ResourceType> {
  const types = new Set<ResourceType>([...expected.values()].map((r) => r.type));
  for (const entry of DRIFT_TABLE) if (entry.declaredTracks && entry.allowed!(declared).length > 0) types.add(entry.type);
  for (const entry of DRIFT_TABLE) if (entry.trackedWith && types.has(entry.trackedWith)) types.add(entry.type);
  return types;
}

export interface DriftOptions {
  now?: Date;
  /** Limit to these resource keys (`type:id`), e.g. the one a CloudTrail event touched. */
  only?: Set<string>;
}

export function computeDrift(expected: ExpectedState, actual: Snapshot, options: DriftOptions = {}): Finding[] {
  const now = options.now ?? new Date();
  const ctx = driftContext(expected, actual);
  const want = expectedFor(expected, actual);
  const tracked = trackedTypes(want, expected.declared);
  const have = new Map(actual.resources.map((r) => [resourceKey(r), r]));
  const inScope = (key: string) => !options.only || options.only.has(key);
  const collectedRegion = (r: Resource) => !r.region || actual.regions.length === 0 || actual.regions.includes(r.region);
  const findings: Finding[] = [];
  const emit = (entry: DriftEntry, r: Resource, rule: string, finding: string, score: number, description: string, detail?: string, extra?: Record<string, unknown>) => {
    findings.push(
      newFinding(
        {
          kind: 'drift',
          rule: `drift/${rule}`,
          score,
          title: finding,
          description,
          resource: r.arn || r.id,
          resourceType: entry.alertType,
          location: `${actual.provider}:${actual.account}/${r.region ?? 'global'}`,
          subject: resourceKey(r),
          details: { resourceKey: resourceKey(r), ruleType: entry.ruleType, ...(detail ? { detail } : {}), ...extra },
        },
        [actual.account, resourceKey(r), detail ?? ''],
        now,
      ),
    );
  };

  for (const [key, a] of have) {
    const entry = TABLE.get(a.type);
    if (!entry || !inScope(key)) continue;
    const e = want.get(key);
    if (e) {
      for (const rule of entry.changes ?? []) {
        for (const c of rule.detect(e, a, ctx)) emit(entry, a, rule.name, rule.finding, c.score, c.description, c.detail);
      }
      continue;
    }
    const u = entry.unexpected;
    if (!u || !tracked.has(a.type) || u.ignore?.(a) || entry.allowed?.(expected.declared).includes(a.id)) continue;
    const said = u.say?.(a);
    const score = typeof u.score === 'function' ? u.score(a, ctx) : u.score;
    emit(entry, a, 'unexpected-resource', u.finding, score, `${entry.label} ${a.id} exists in ${actual.account} but is neither in infrastructure as code nor declared${said ? `; it ${said}` : ''}`);
  }
  for (const [key, e] of want) {
    const entry = TABLE.get(e.type);
    if (!entry?.missing || have.has(key) || !inScope(key) || !collectedRegion(e)) continue;
    emit(entry, e, 'missing-resource', entry.missing.finding, entry.missing.score, `${entry.label} ${e.id} is in the expected state but not in ${actual.account}`);
  }
  return findings.sort((x, y) => y.score - x.score || x.resource.localeCompare(y.resource) || x.rule.localeCompare(y.rule));
}

/** The table entry for a resource type (labels for output formats). */
export function driftEntry(type: string): { alertType: string; ruleType: string; label: string } | undefined {
  return TABLE.get(type as ResourceType);
}
