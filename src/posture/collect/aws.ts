/**
 * The actual state of an AWS account through the AWS SDK v3: credentials from the standard
 * chain, every enabled region, every list paginated, throttling retried by the SDK's
 * standard retry strategy. What a call may not read (access denied, opt-in region) is a
 * warning and leaves the attribute unknown, never a guess.
 */
import {
  IAMClient,
  GetAccountSummaryCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetAccessKeyLastUsedCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListUsers,
  type UserDetail,
  type RoleDetail,
  type GroupDetail,
  type ManagedPolicyDetail,
} from '@aws-sdk/client-iam';
import {
  S3Client,
  ListBucketsCommand,
  GetBucketLocationCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetBucketLoggingCommand,
} from '@aws-sdk/client-s3';
import { S3ControlClient, GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { EC2Client, DescribeRegionsCommand, paginateDescribeSecurityGroups, type IpPermission } from '@aws-sdk/client-ec2';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GuardDutyClient, GetDetectorCommand, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { SecurityHubClient, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { KMSClient, DescribeKeyCommand, GetKeyRotationStatusCommand, paginateListKeys } from '@aws-sdk/client-kms';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { parsePolicy, type Grant, type Resource, type SecurityGroupRule, type Snapshot, type PublicAccessBlock } from '../model.js';
import { normaliseRules, granteeName } from '../exposure.js';
import { newSnapshot } from '../snapshot.js';
import { UserError } from '../../util/errors.js';

export interface AwsCollectOptions {
  /** Region for global calls and region discovery; default: the SDK's region chain, else us-east-1. */
  region?: string;
  /** Collect only these regions instead of every enabled one. */
  regions?: string[];
  /** One endpoint for every service (LocalStack, a recorded-response server). */
  endpoint?: string;
  credentials?: NonNullable<ConstructorParameters<typeof STSClient>[0]>['credentials'];
  /** Passed to every client, e.g. `{ httpAgent }`. */
  requestHandler?: unknown;
  /** Attempts per call, throttling included (SDK standard retry mode). */
  maxAttempts?: number;
  now?: Date;
}

export interface CollectResult {
  snapshot: Snapshot;
  /** Calls that could not be made (access denied, region disabled): their attributes stay unknown. */
  warnings: string[];
}

type ClientClass<C> = new (config: Record<string, unknown>) => C;

export async function collectAws(options: AwsCollectOptions = {}): Promise<CollectResult> {
  const home = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const clients = new Map<string, unknown>();
  const client = <C>(Class: ClientClass<C>, region = home, extra: Record<string, unknown> = {}): C => {
    const key = `${Class.name}:${region}`;
    if (!clients.has(key)) {
      clients.set(
        key,
        new Class({
          region,
          retryMode: 'standard',
          maxAttempts: options.maxAttempts ?? 6,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
          ...extra,
        }),
      );
    }
    return clients.get(key) as C;
  };
  const warnings: string[] = [];
  /** The call's result, or undefined (and a warning) when it fails. */
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (err) {
      warnings.push(`${what}: ${(err as Error).name}: ${(err as Error).message}`);
      return undefined;
    }
  };

  let identity;
  try {
    identity = await client(STSClient).send(new GetCallerIdentityCommand({}));
  } catch (err) {
    // No or bad credentials: the user's to fix, said in one line.
    throw new UserError(`AWS: cannot tell which account these credentials belong to (${(err as Error).name}: ${(err as Error).message.split('\n')[0]})`);
  }
  const account = identity.Account!;
  const regions = options.regions ?? (await enabledRegions(client(EC2Client)));
  const ctx: Ctx = { account, home, regions, client, attempt };
  const parts = await Promise.all([
    collectAccount(ctx),
    collectIam(ctx),
    collectS3(ctx),
    ...regions.flatMap((region) => [collectSecurityGroups(ctx, region), collectTrails(ctx, region), collectGuardDuty(ctx, region), collectSecurityHub(ctx, region), collectKms(ctx, region)]),
  ]);
  const snapshot = newSnapshot(
    { provider: 'aws', account, collectedAt: (options.now ?? new Date()).toISOString(), regions: [...regions].sort(), source: 'aws-api' },
    parts.flat(),
  );
  return { snapshot, warnings };
}

interface Ctx {
  account: string;
  home: string;
  regions: string[];
  client<C>(Class: ClientClass<C>, region?: string, extra?: Record<string, unknown>): C;
  attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined>;
}

/** A call whose "does not exist" error means null (no policy, no encryption, no password policy). */
async function orNull<T>(call: () => Promise<T>, ...absent: string[]): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    const e = err as { name?: string; Code?: string };
    if (absent.includes(e.name ?? '') || absent.includes(e.Code ?? '')) return null;
    throw err;
  }
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Maps with at most `limit` calls in flight (IAM and S3 throttle hard). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const r = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
  return (r.Regions ?? []).map((x) => x.RegionName!).filter(Boolean);
}

async function collectAccount(ctx: Ctx): Promise<Resource[]> {
  const iam = ctx.client(IAMClient);
  const [summary, policy, block] = await Promise.all([
    ctx.attempt('iam:GetAccountSummary', () => iam.send(new GetAccountSummaryCommand({}))),
    ctx.attempt('iam:GetAccountPasswordPolicy', () => orNull(() => iam.send(new GetAccountPasswordPolicyCommand({})), 'NoSuchEntityException', 'NoSuchEntity')),
    ctx.attempt('s3control:GetPublicAccessBlock', () =>
      orNull(() => ctx.client(S3ControlClient).send(new GetAccountPublicAccessBlockCommand({ AccountId: ctx.account })), 'NoSuchPublicAccessBlockConfiguration'),
    ),
  ]);
  const attributes: Record<string, unknown> = {};
  if (summary?.SummaryMap) {
    attributes.rootMfaEnabled = summary.SummaryMap.AccountMFAEnabled === 1;
    attributes.rootAccessKeysPresent = (summary.SummaryMap.AccountAccessKeysPresent ?? 0) > 0;
  }
  if (block !== undefined) attributes.publicAccessBlock = block ? pab(block.PublicAccessBlockConfiguration) : null;
  if (policy !== undefined) {
    attributes.passwordPolicy = policy?.PasswordPolicy
      ? { minimumLength: policy.PasswordPolicy.MinimumPasswordLength ?? 0, reusePrevention: policy.PasswordPolicy.PasswordReusePrevention ?? 0 }
      : null;
  }
  return [{ type: 'account', id: ctx.account, attributes }];
}

function pab(c: Partial<Record<'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets', boolean>> | undefined): PublicAccessBlock {
  return {
    blockPublicAcls: Boolean(c?.BlockPublicAcls),
    ignorePublicAcls: Boolean(c?.IgnorePublicAcls),
    blockPublicPolicy: Boolean(c?.BlockPublicPolicy),
    restrictPublicBuckets: Boolean(c?.RestrictPublicBuckets),
  };
}

async function collectIam(ctx: Ctx): Promise<Resource[]> {
  const iam = ctx.client(IAMClient);
  const users: UserDetail[] = [];
  const roles: RoleDetail[] = [];
  const groups: GroupDetail[] = [];
  const policies: ManagedPolicyDetail[] = [];
  const pages = await ctx.attempt('iam:GetAccountAuthorizationDetails', () =>
    all(paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] })),
  );
  for (const page of pages ?? []) {
    users.push(...(page.UserDetailList ?? []));
    roles.push(...(page.RoleDetailList ?? []));
    groups.push(...(page.GroupDetailList ?? []));
    policies.push(...(page.Policies ?? []));
  }
  // Password last use comes with ListUsers, not with the authorization details.
  const listed = await ctx.attempt('iam:ListUsers', () => all(paginateListUsers({ client: iam }, {})));
  const lastLogin = new Map((listed ?? []).flatMap((p) => p.Users ?? []).map((u) => [u.UserName!, iso(u.PasswordLastUsed)]));
  const out: Resource[] = [];
  await mapLimit(users, 4, async (u) => {
    const name = u.UserName!;
    const [keys, mfa, login] = await Promise.all([
      ctx.attempt(`iam:ListAccessKeys ${name}`, () => all(paginateListAccessKeys({ client: iam }, { UserName: name }))),
      ctx.attempt(`iam:ListMFADevices ${name}`, () => all(paginateListMFADevices({ client: iam }, { UserName: name }))),
      ctx.attempt(`iam:GetLoginProfile ${name}`, () => orNull(() => iam.send(new GetLoginProfileCommand({ UserName: name })), 'NoSuchEntityException', 'NoSuchEntity')),
    ]);
    const attributes: Record<string, unknown> = {
      createdAt: iso(u.CreateDate),
      attachedPolicies: (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!),
      inlinePolicies: (u.UserPolicyList ?? []).map((p) => p.PolicyName!),
      groups: u.GroupList ?? [],
    };
    if (login !== undefined) attributes.consoleAccess = login !== null;
    if (listed) attributes.passwordLastUsed = lastLogin.get(name) ?? null;
    if (mfa) attributes.mfaDevices = mfa.flatMap((p) => p.MFADevices ?? []).map((d) => d.SerialNumber!);
    out.push({ type: 'iam.user', id: name, arn: u.Arn, attributes });
    for (const key of (keys ?? []).flatMap((p) => p.AccessKeyMetadata ?? [])) {
      const used = await ctx.attempt(`iam:GetAccessKeyLastUsed ${key.AccessKeyId}`, () => iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! })));
      out.push({
        type: 'iam.access_key',
        id: key.AccessKeyId!,
        attributes: {
          user: name,
          status: key.Status,
          createdAt: iso(key.CreateDate),
          ...(used ? { lastUsed: iso(used.AccessKeyLastUsed?.LastUsedDate) } : {}),
        },
      });
    }
  });
  for (const r of roles) {
    out.push({
      type: 'iam.role',
      id: r.RoleName!,
      arn: r.Arn,
      attributes: {
        path: r.Path ?? '/',
        trustPolicy: parsePolicy(r.AssumeRolePolicyDocument) ?? { Statement: [] },
        attachedPolicies: (r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!),
        inlinePolicies: (r.RolePolicyList ?? []).map((p) => p.PolicyName!),
      },
    });
  }
  for (const g of groups) {
    out.push({
      type: 'iam.group',
      id: g.GroupName!,
      arn: g.Arn,
      attributes: { attachedPolicies: (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!), inlinePolicies: (g.GroupPolicyList ?? []).map((p) => p.PolicyName!) },
    });
  }
  for (const p of policies) {
    const current = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion);
    out.push({ type: 'iam.policy', id: p.Arn!, name: p.PolicyName, arn: p.Arn, attributes: current?.Document ? { document: parsePolicy(current.Document) } : {} });
  }
  return out;
}

async function collectS3(ctx: Ctx): Promise<Resource[]> {
  const s3 = (region = ctx.home) => ctx.client(S3Client, region, { forcePathStyle: true, followRegionRedirects: true });
  const list = await ctx.attempt('s3:ListBuckets', () => s3().send(new ListBucketsCommand({})));
  const owner = list?.Owner?.ID;
  return mapLimit(list?.Buckets ?? [], 4, async (b): Promise<Resource> => {
    const Bucket = b.Name!;
    const location = await ctx.attempt(`s3:GetBucketLocation ${Bucket}`, () => s3().send(new GetBucketLocationCommand({ Bucket })));
    const region = location ? location.LocationConstraint || 'us-east-1' : ctx.home;
    const c = s3(region);
    const [acl, policy, block, encryption, versioning, logging] = await Promise.all([
      ctx.attempt(`s3:GetBucketAcl ${Bucket}`, () => c.send(new GetBucketAclCommand({ Bucket }))),
      ctx.attempt(`s3:GetBucketPolicy ${Bucket}`, () => orNull(() => c.send(new GetBucketPolicyCommand({ Bucket })), 'NoSuchBucketPolicy')),
      ctx.attempt(`s3:GetPublicAccessBlock ${Bucket}`, () => orNull(() => c.send(new GetPublicAccessBlockCommand({ Bucket })), 'NoSuchPublicAccessBlockConfiguration')),
      ctx.attempt(`s3:GetBucketEncryption ${Bucket}`, () => orNull(() => c.send(new GetBucketEncryptionCommand({ Bucket })), 'ServerSideEncryptionConfigurationNotFoundError')),
      ctx.attempt(`s3:GetBucketVersioning ${Bucket}`, () => c.send(new GetBucketVersioningCommand({ Bucket }))),
      ctx.attempt(`s3:GetBucketLogging ${Bucket}`, () => c.send(new GetBucketLoggingCommand({ Bucket }))),
    ]);
    const attributes: Record<string, unknown> = {};
    if (acl) {
      attributes.acl = (acl.Grants ?? []).map((g): Grant => ({
        grantee: granteeName({ uri: g.Grantee?.URI, id: g.Grantee?.ID, email: g.Grantee?.EmailAddress }, acl.Owner?.ID ?? owner),
        permission: g.Permission ?? 'UNKNOWN',
      }));
    }
    if (policy !== undefined) attributes.policy = policy?.Policy ? parsePolicy(policy.Policy) : null;
    if (block !== undefined) attributes.publicAccessBlock = block ? pab(block.PublicAccessBlockConfiguration) : null;
    if (encryption !== undefined) {
      attributes.encryption = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null;
    }
    if (versioning) attributes.versioning = versioning.Status ?? 'Disabled';
    if (logging) {
      const l = logging.LoggingEnabled;
      attributes.logging = l?.TargetBucket ? { targetBucket: l.TargetBucket, targetPrefix: l.TargetPrefix ?? '' } : null;
    }
    return { type: 's3.bucket', id: Bucket, arn: `arn:aws:s3:::${Bucket}`, region, attributes };
  });
}

function ec2Rules(perms: IpPermission[] | undefined): SecurityGroupRule[] {
  return (perms ?? []).flatMap((p) =>
    normaliseRules({
      protocol: p.IpProtocol ?? '-1',
      fromPort: p.FromPort,
      toPort: p.ToPort,
      sources: [
        ...(p.IpRanges ?? []).map((r) => r.CidrIp),
        ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
        ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
        ...(p.PrefixListIds ?? []).map((x) => x.PrefixListId),
      ],
    }),
  );
}

async function collectSecurityGroups(ctx: Ctx, region: string): Promise<Resource[]> {
  const pages = await ctx.attempt(`ec2:DescribeSecurityGroups ${region}`, () => all(paginateDescribeSecurityGroups({ client: ctx.client(EC2Client, region) }, {})));
  return (pages ?? []).flatMap((p) =>
    (p.SecurityGroups ?? []).map((g) => ({
      type: 'ec2.security_group' as const,
      id: g.GroupId!,
      name: g.GroupName,
      arn: `arn:aws:ec2:${region}:${g.OwnerId ?? ctx.account}:security-group/${g.GroupId}`,
      region,
      attributes: { groupName: g.GroupName, vpcId: g.VpcId ?? null, ingress: ec2Rules(g.IpPermissions), egress: ec2Rules(g.IpPermissionsEgress) },
    })),
  );
}

async function collectTrails(ctx: Ctx, region: string): Promise<Resource[]> {
  const ct = ctx.client(CloudTrailClient, region);
  const trails = await ctx.attempt(`cloudtrail:DescribeTrails ${region}`, () => ct.send(new DescribeTrailsCommand({ includeShadowTrails: false })));
  return mapLimit(trails?.trailList ?? [], 2, async (t): Promise<Resource> => {
    const status = await ctx.attempt(`cloudtrail:GetTrailStatus ${t.Name}`, () => ct.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name })));
    return {
      type: 'cloudtrail.trail',
      id: t.Name!,
      arn: t.TrailARN,
      region: t.HomeRegion ?? region,
      attributes: {
        homeRegion: t.HomeRegion ?? region,
        multiRegion: Boolean(t.IsMultiRegionTrail),
        logFileValidation: Boolean(t.LogFileValidationEnabled),
        ...(status ? { logging: Boolean(status.IsLogging) } : {}),
        s3Bucket: t.S3BucketName ?? '',
        kmsKeyId: t.KmsKeyId ?? null,
      },
    };
  });
}

async function collectGuardDuty(ctx: Ctx, region: string): Promise<Resource[]> {
  const gd = ctx.client(GuardDutyClient, region);
  const pages = await ctx.attempt(`guardduty:ListDetectors ${region}`, () => all(paginateListDetectors({ client: gd }, {})));
  const ids = (pages ?? []).flatMap((p) => p.DetectorIds ?? []);
  return mapLimit(ids, 2, async (id): Promise<Resource> => {
    const d = await ctx.attempt(`guardduty:GetDetector ${id}`, () => gd.send(new GetDetectorCommand({ DetectorId: id })));
    return { type: 'guardduty.detector', id, region, attributes: d ? { status: d.Status === 'ENABLED' ? 'ENABLED' : 'DISABLED' } : {} };
  });
}

async function collectSecurityHub(ctx: Ctx, region: string): Promise<Resource[]> {
  const hub = await ctx.attempt(`securityhub:DescribeHub ${region}`, () =>
    orNull(() => ctx.client(SecurityHubClient, region).send(new DescribeHubCommand({})), 'InvalidAccessException', 'ResourceNotFoundException'),
  );
  return hub === undefined ? [] : [{ type: 'securityhub.hub', id: region, region, attributes: { enabled: hub !== null } }];
}

async function collectKms(ctx: Ctx, region: string): Promise<Resource[]> {
  const kms = ctx.client(KMSClient, region);
  const pages = await ctx.attempt(`kms:ListKeys ${region}`, () => all(paginateListKeys({ client: kms }, {})));
  const keys = (pages ?? []).flatMap((p) => p.Keys ?? []);
  const out = await mapLimit(keys, 4, async (k): Promise<Resource | undefined> => {
    const d = await ctx.attempt(`kms:DescribeKey ${k.KeyId}`, () => kms.send(new DescribeKeyCommand({ KeyId: k.KeyId! })));
    const meta = d?.KeyMetadata;
    if (!meta) return undefined;
    const customer = meta.KeyManager === 'CUSTOMER';
    const symmetric = meta.KeySpec === 'SYMMETRIC_DEFAULT' || meta.KeySpec === undefined;
    const rotation =
      customer && symmetric && meta.KeyState === 'Enabled'
        ? await ctx.attempt(`kms:GetKeyRotationStatus ${k.KeyId}`, () => kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId! })))
        : undefined;
    return {
      type: 'kms.key',
      id: meta.KeyId!,
      arn: meta.Arn,
      region,
      attributes: { manager: customer ? 'CUSTOMER' : 'AWS', state: meta.KeyState ?? 'Unknown', ...(rotation ? { rotationEnabled: Boolean(rotation.KeyRotationEnabled) } : {}) },
    };
  });
  return out.filter((r): r is Resource => r !== undefined);
}
