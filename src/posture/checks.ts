/**
 * Posture checks: controls of the CIS Foundations Benchmarks (AWS v3.0.0 unless noted, GCP
 * v2.0.0) that a snapshot can answer. Each is one declarative entry: the resources it looks
 * at and a verdict for one of them. A failed verdict is a Finding of kind 'posture'.
 */
import type { Finding } from '../records/index.js';
import {
  resourceKey,
  statements,
  asList,
  type AccessKeyAttributes,
  type AccountAttributes,
  type BucketAttributes,
  type KeyAttributes,
  type PublicAccessBlock,
  type Resource,
  type ResourceType,
  type SecurityGroupAttributes,
  type Snapshot,
  type TrailAttributes,
  type UserAttributes,
} from './model.js';
import { ADMIN_PORTS, coversPort } from './exposure.js';
import { driftEntry } from './drift.js';
import { newFinding } from './findings.js';

/** 'pass', 'unknown' (the snapshot lacks what the check needs) or why it fails. */
export type Verdict = 'pass' | 'unknown' | { fail: string };

export interface CheckContext {
  snapshot: Snapshot;
  /** The time the snapshot describes: ages are measured from it. */
  at: Date;
  of(type: ResourceType): Resource[];
  account(): AccountAttributes | undefined;
}

/** A region of the snapshot, for "in every region" checks. */
const REGION = 'region';

export interface PostureCheck {
  /** Unique id, e.g. `cis-aws-1.4`; the rule of its findings. */
  id: string;
  /** The benchmark's control number, e.g. `1.4`. */
  control: string;
  benchmark: string;
  title: string;
  score: number;
  provider: 'aws' | 'gcp';
  on: Array<ResourceType | typeof REGION>;
  where?: (r: Resource, ctx: CheckContext) => boolean;
  verdict(r: Resource, ctx: CheckContext): Verdict;
}

const AWS = 'CIS AWS Foundations v3.0.0';
const GCP = 'CIS GCP Foundations v2.0.0';
const DAY = 86_400_000;
const pass: Verdict = 'pass';
const unknown: Verdict = 'unknown';
const fail = (reason: string): Verdict => ({ fail: reason });
const check = (ok: boolean | undefined, reason: string): Verdict => (ok === undefined ? unknown : ok ? pass : fail(reason));
const a = <T>(r: Resource) => r.attributes as T;
const daysSince = (iso: string | null | undefined, ctx: CheckContext) => (iso ? (ctx.at.getTime() - Date.parse(iso)) / DAY : undefined);
const FLAGS: Array<keyof PublicAccessBlock> = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'];

function openAdminPorts(r: Resource, world: string): Verdict {
  const ingress = a<SecurityGroupAttributes>(r).ingress;
  if (!ingress) return unknown;
  const open = ingress.filter((rule) => rule.source === world && ADMIN_PORTS.some((p) => coversPort(rule, p)));
  return open.length === 0 ? pass : fail(`admits ${open.map((x) => (x.protocol === '-1' ? 'all traffic' : `tcp ${x.fromPort}-${x.toPort}`)).join(', ')} from ${world}`);
}

function gcpFirewallOpen(r: Resource, port: string): Verdict {
  const f = r.attributes as { direction?: string; disabled?: boolean; sourceRanges?: string[]; allowed?: Array<{ protocol: string; ports?: string[] }> };
  if (f.direction !== 'INGRESS' || f.disabled || !f.sourceRanges?.some((s) => s === '0.0.0.0/0' || s === '::/0')) return pass;
  const admits = (f.allowed ?? []).some(
    (x) =>
      x.protocol === 'all' ||
      (x.protocol === 'tcp' &&
        (!x.ports?.length ||
          x.ports.some((p) => {
            const [lo, hi] = p.split('-').map(Number);
            return lo! <= Number(port) && Number(port) <= (hi ?? lo!);
          }))),
  );
  return admits ? fail(`admits tcp ${port} from the internet`) : pass;
}

export const POSTURE_CHECKS: PostureCheck[] = [
  { id: 'cis-aws-1.4', control: '1.4', benchmark: AWS, provider: 'aws', score: 9, title: "No access key exists for the 'root' user", on: ['account'], verdict: (r) => check(invert(a<AccountAttributes>(r).rootAccessKeysPresent), 'the root user has an access key') },
  { id: 'cis-aws-1.5', control: '1.5', benchmark: AWS, provider: 'aws', score: 9, title: "MFA is enabled for the 'root' user", on: ['account'], verdict: (r) => check(a<AccountAttributes>(r).rootMfaEnabled, 'the root user has no MFA') },
  {
    id: 'cis-aws-1.8', control: '1.8', benchmark: AWS, provider: 'aws', score: 4, title: 'Password policy requires a length of 14 or more', on: ['account'],
    verdict: (r) => {
      const p = a<AccountAttributes>(r).passwordPolicy;
      return p === undefined ? unknown : check((p?.minimumLength ?? 0) >= 14, p ? `minimum length is ${p.minimumLength ?? 'unset'}` : 'no password policy');
    },
  },
  {
    id: 'cis-aws-1.9', control: '1.9', benchmark: AWS, provider: 'aws', score: 3, title: 'Password policy prevents password reuse', on: ['account'],
    verdict: (r) => {
      const p = a<AccountAttributes>(r).passwordPolicy;
      return p === undefined ? unknown : check((p?.reusePrevention ?? 0) >= 24, p ? `remembers ${p.reusePrevention ?? 0} passwords, not 24` : 'no password policy');
    },
  },
  {
    id: 'cis-aws-1.10', control: '1.10', benchmark: AWS, provider: 'aws', score: 7, title: 'MFA is enabled for every IAM user with a console password', on: ['iam.user'],
    where: (r) => a<UserAttributes>(r).consoleAccess === true,
    verdict: (r) => check(a<UserAttributes>(r).mfaDevices && a<UserAttributes>(r).mfaDevices!.length > 0, 'console password without MFA'),
  },
  {
    id: 'cis-aws-1.12', control: '1.12', benchmark: AWS, provider: 'aws', score: 5, title: 'Credentials unused for 45 days or more are disabled', on: ['iam.user', 'iam.access_key'],
    where: (r) => (r.type === 'iam.user' ? a<UserAttributes>(r).consoleAccess === true : a<AccessKeyAttributes>(r).status === 'Active'),
    verdict: (r, ctx) => {
      const { lastUsed, createdAt } = r.type === 'iam.user' ? { lastUsed: a<UserAttributes>(r).passwordLastUsed, createdAt: a<UserAttributes>(r).createdAt } : a<AccessKeyAttributes>(r);
      const idle = daysSince(lastUsed ?? createdAt, ctx);
      const what = r.type === 'iam.user' ? 'console password' : 'active access key';
      return idle === undefined ? unknown : check(idle < 45, `${what} ${lastUsed ? `last used ${Math.floor(idle)} days ago` : `never used in ${Math.floor(idle)} days`}`);
    },
  },
  {
    id: 'cis-aws-1.13', control: '1.13', benchmark: AWS, provider: 'aws', score: 4, title: 'No IAM user has more than one active access key', on: ['iam.user'],
    verdict: (r, ctx) => {
      const active = ctx.of('iam.access_key').filter((k) => a<AccessKeyAttributes>(k).user === r.id && a<AccessKeyAttributes>(k).status === 'Active');
      return check(active.length <= 1, `${active.length} active access keys`);
    },
  },
  {
    id: 'cis-aws-1.14', control: '1.14', benchmark: AWS, provider: 'aws', score: 5, title: 'Access keys are rotated every 90 days or less', on: ['iam.access_key'],
    where: (r) => a<AccessKeyAttributes>(r).status === 'Active',
    verdict: (r, ctx) => {
      const age = daysSince(a<AccessKeyAttributes>(r).createdAt, ctx);
      return age === undefined ? unknown : check(age <= 90, `created ${Math.floor(age)} days ago`);
    },
  },
  {
    id: 'cis-aws-1.15', control: '1.15', benchmark: AWS, provider: 'aws', score: 3, title: 'IAM users receive permissions only through groups', on: ['iam.user'],
    verdict: (r) => {
      const u = a<UserAttributes>(r);
      if (!u.attachedPolicies || !u.inlinePolicies) return unknown;
      const direct = [...u.attachedPolicies, ...u.inlinePolicies];
      return check(direct.length === 0, `policies attached directly: ${direct.join(', ')}`);
    },
  },
  {
    id: 'cis-aws-1.16', control: '1.16', benchmark: AWS, provider: 'aws', score: 8, title: 'No customer-managed policy allows "*:*" administrative privileges', on: ['iam.policy'],
    where: (r) => !r.id.startsWith('arn:aws:iam::aws:'),
    verdict: (r) => {
      const doc = r.attributes.document as Parameters<typeof statements>[0];
      if (!doc) return unknown;
      const full = statements(doc).some((s) => s.Effect === 'Allow' && asList(s.Action).includes('*') && asList(s.Resource).includes('*'));
      return check(!full, 'allows Action "*" on Resource "*"');
    },
  },
  { id: 'cis-aws-1.4.0-2.1.1', control: '2.1.1 (v1.4.0)', benchmark: 'CIS AWS Foundations v1.4.0', provider: 'aws', score: 5, title: 'S3 buckets employ encryption at rest', on: ['s3.bucket'], verdict: (r) => (a<BucketAttributes>(r).encryption === undefined ? unknown : check(!!a<BucketAttributes>(r).encryption, 'no default encryption')) },
  {
    id: 'cis-aws-2.1.4', control: '2.1.4', benchmark: AWS, provider: 'aws', score: 7, title: 'S3 Block Public Access is enabled (account and buckets)', on: ['account', 's3.bucket'],
    verdict: (r, ctx) => {
      const own = r.type === 'account' ? a<AccountAttributes>(r).publicAccessBlock : a<BucketAttributes>(r).publicAccessBlock;
      const account = r.type === 'account' ? undefined : ctx.account()?.publicAccessBlock;
      if (own === undefined) return unknown;
      const off = FLAGS.filter((f) => !own?.[f] && !account?.[f]);
      return check(off.length === 0, `not blocked: ${off.join(', ')}`);
    },
  },
  {
    id: 'cis-aws-3.1', control: '3.1', benchmark: AWS, provider: 'aws', score: 8, title: 'CloudTrail is enabled in all regions', on: ['account'],
    verdict: (_r, ctx) => check(ctx.of('cloudtrail.trail').some((t) => a<TrailAttributes>(t).multiRegion && a<TrailAttributes>(t).logging), 'no multi-region trail is logging'),
  },
  { id: 'cis-aws-3.2', control: '3.2', benchmark: AWS, provider: 'aws', score: 5, title: 'CloudTrail log file validation is enabled', on: ['cloudtrail.trail'], verdict: (r) => check(a<TrailAttributes>(r).logFileValidation, 'log file validation is off') },
  {
    id: 'cis-aws-3.4', control: '3.4', benchmark: AWS, provider: 'aws', score: 4, title: 'Access logging is enabled on the CloudTrail S3 bucket', on: ['cloudtrail.trail'],
    verdict: (r, ctx) => {
      const bucket = ctx.of('s3.bucket').find((b) => b.id === a<TrailAttributes>(r).s3Bucket);
      const logging = bucket && a<BucketAttributes>(bucket).logging;
      return logging === undefined ? unknown : check(logging !== null, `bucket ${bucket!.id} has no access logging`);
    },
  },
  { id: 'cis-aws-3.5', control: '3.5', benchmark: AWS, provider: 'aws', score: 4, title: 'CloudTrail logs are encrypted at rest with KMS', on: ['cloudtrail.trail'], verdict: (r) => (a<TrailAttributes>(r).kmsKeyId === undefined ? unknown : check(!!a<TrailAttributes>(r).kmsKeyId, 'logs are not encrypted with a KMS key')) },
  {
    id: 'cis-aws-3.6', control: '3.6', benchmark: AWS, provider: 'aws', score: 4, title: 'Rotation is enabled for customer-created KMS keys', on: ['kms.key'],
    where: (r) => a<KeyAttributes>(r).manager === 'CUSTOMER' && a<KeyAttributes>(r).state === 'Enabled',
    verdict: (r) => check(a<KeyAttributes>(r).rotationEnabled, 'automatic rotation is off'),
  },
  {
    id: 'cis-aws-4.16', control: '4.16', benchmark: AWS, provider: 'aws', score: 5, title: 'AWS Security Hub is enabled in every region', on: [REGION],
    verdict: (r, ctx) => check(ctx.of('securityhub.hub').some((h) => h.id === r.id && h.attributes.enabled === true), `Security Hub is not enabled in ${r.id}`),
  },
  {
    id: 'aws-guardduty-1', control: 'GuardDuty.1', benchmark: 'AWS Foundational Security Best Practices', provider: 'aws', score: 6, title: 'GuardDuty is enabled in every region', on: [REGION],
    verdict: (r, ctx) => check(ctx.of('guardduty.detector').some((d) => d.region === r.id && d.attributes.status === 'ENABLED'), `no enabled GuardDuty detector in ${r.id}`),
  },
  { id: 'cis-aws-5.2', control: '5.2', benchmark: AWS, provider: 'aws', score: 8, title: 'No security group admits 0.0.0.0/0 to ports 22 or 3389', on: ['ec2.security_group'], verdict: (r) => openAdminPorts(r, '0.0.0.0/0') },
  { id: 'cis-aws-5.3', control: '5.3', benchmark: AWS, provider: 'aws', score: 8, title: 'No security group admits ::/0 to ports 22 or 3389', on: ['ec2.security_group'], verdict: (r) => openAdminPorts(r, '::/0') },
  {
    id: 'cis-aws-5.4', control: '5.4', benchmark: AWS, provider: 'aws', score: 5, title: 'The default security group of every VPC restricts all traffic', on: ['ec2.security_group'],
    where: (r) => a<SecurityGroupAttributes>(r).groupName === 'default',
    verdict: (r) => {
      const { ingress, egress } = a<SecurityGroupAttributes>(r);
      return !ingress || !egress ? unknown : check(ingress.length + egress.length === 0, `has ${ingress.length} inbound and ${egress.length} outbound rules`);
    },
  },
  {
    id: 'cis-gcp-1.4', control: '1.4', benchmark: GCP, provider: 'gcp', score: 6, title: 'Service accounts have only GCP-managed keys', on: ['gcp.service_account_key'],
    where: (r) => !r.attributes.disabled,
    verdict: (r) => check(r.attributes.keyType !== 'USER_MANAGED', `user-managed key of ${String(r.attributes.serviceAccount)}`),
  },
  { id: 'cis-gcp-3.6', control: '3.6', benchmark: GCP, provider: 'gcp', score: 8, title: 'SSH access is restricted from the internet', on: ['gcp.firewall'], verdict: (r) => gcpFirewallOpen(r, '22') },
  { id: 'cis-gcp-3.7', control: '3.7', benchmark: GCP, provider: 'gcp', score: 8, title: 'RDP access is restricted from the internet', on: ['gcp.firewall'], verdict: (r) => gcpFirewallOpen(r, '3389') },
  {
    id: 'cis-gcp-5.1', control: '5.1', benchmark: GCP, provider: 'gcp', score: 8, title: 'Cloud Storage buckets are not anonymously or publicly accessible', on: ['gcp.bucket'],
    verdict: (r) => {
      const members = ((r.attributes.bindings as Array<{ members: string[] }> | undefined) ?? []).flatMap((b) => b.members);
      const open = members.filter((m) => m === 'allUsers' || m === 'allAuthenticatedUsers');
      return check(open.length === 0, `grants access to ${[...new Set(open)].join(', ')}`);
    },
  },
];

function invert(v: boolean | undefined): boolean | undefined {
  return v === undefined ? undefined : !v;
}

export interface CheckResult {
  check: PostureCheck;
  /** pass: every subject passes; fail: one fails; unknown: none failed but some could not be told; n/a: nothing to check. */
  status: 'pass' | 'fail' | 'unknown' | 'n/a';
  evaluated: number;
  failed: number;
}

export interface PostureReport {
  results: CheckResult[];
  findings: Finding[];
  /** Percent of the checks that could be decided that pass. */
  score: number;
}

export function runPosture(snapshot: Snapshot, checks: PostureCheck[] = POSTURE_CHECKS, options: { now?: Date } = {}): PostureReport {
  const byType = new Map<string, Resource[]>();
  for (const r of snapshot.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  // Regions are subjects too, for "in every region" checks.
  byType.set(REGION, snapshot.regions.map((region) => ({ type: REGION as unknown as ResourceType, id: region, region, attributes: {} })));
  const ctx: CheckContext = {
    snapshot,
    at: new Date(snapshot.collectedAt),
    of: (type) => byType.get(type) ?? [],
    account: () => byType.get('account')?.[0]?.attributes as AccountAttributes | undefined,
  };
  const now = options.now ?? new Date();
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const c of checks.filter((x) => x.provider === snapshot.provider)) {
    const subjects = c.on.flatMap((t) => byType.get(t) ?? []).filter((r) => !c.where || c.where(r, ctx));
    let failed = 0;
    let unknowns = 0;
    for (const r of subjects) {
      const v = c.verdict(r, ctx);
      if (v === 'unknown') unknowns++;
      if (typeof v !== 'object') continue;
      failed++;
      const isRegion = (r.type as string) === REGION;
      const subjectKey = isRegion ? `region:${r.id}` : resourceKey(r);
      findings.push(
        newFinding(
          {
            kind: 'posture',
            rule: c.id,
            score: c.score,
            title: `${c.control} ${c.title}`,
            description: `${isRegion ? `region ${r.id}` : `${driftEntry(r.type)?.label ?? r.type} ${r.id}`}: ${v.fail}`,
            resource: isRegion ? r.id : r.arn || r.id,
            resourceType: isRegion ? 'Region' : (driftEntry(r.type)?.alertType ?? r.type),
            location: `${snapshot.provider}:${snapshot.account}/${r.region ?? 'global'}`,
            details: { ruleType: c.benchmark, control: c.control, resourceKey: subjectKey },
          },
          [snapshot.account, subjectKey],
          now,
        ),
      );
    }
    const status = subjects.length === 0 ? 'n/a' : failed > 0 ? 'fail' : unknowns > 0 ? 'unknown' : 'pass';
    results.push({ check: c, status, evaluated: subjects.length, failed });
  }
  const decided = results.filter((r) => r.status === 'pass' || r.status === 'fail');
  const score = decided.length === 0 ? 100 : Math.round((100 * decided.filter((r) => r.status === 'pass').length) / decided.length);
  return { results, findings: findings.sort((x, y) => y.score - x.score || x.rule.localeCompare(y.rule, 'en', { numeric: true })), score };
}

export function postureTable(report: PostureReport): string {
  const rows = report.results.map((r) => [r.check.control, r.status.toUpperCase(), `${r.failed}/${r.evaluated}`, r.check.title]);
  const header = ['CONTROL', 'STATUS', 'FAILED', 'CHECK'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n';
  const passed = report.results.filter((r) => r.status === 'pass').length;
  const failed = report.results.filter((r) => r.status === 'fail').length;
  return line(header) + rows.map(line).join('') + `\nscore: ${report.score}% (${passed} pass, ${failed} fail, ${report.results.length - passed - failed} unknown or not applicable)\n`;
}
