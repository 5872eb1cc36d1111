/**
 * One resource of each kind as the model holds it, read through the AWS SDK v3. The
 * whole-account collector and the per-resource refresh use the same readers; what only a
 * listing gives (IAM authorization details, a page of security groups) is turned into the
 * model by the same builders as a single read.
 */
import {
  IAMClient,
  GetAccountSummaryCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  GetRoleCommand,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
  paginateListGroupsForUser,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type AccessKeyMetadata,
} from '@aws-sdk/client-iam';
import {
  S3Client,
  GetBucketLocationCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetBucketLoggingCommand,
} from '@aws-sdk/client-s3';
import { S3ControlClient, GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { EC2Client, DescribeSecurityGroupsCommand, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { CloudTrailClient, GetTrailCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { GuardDutyClient, GetDetectorCommand, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { KMSClient, DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { parsePolicy, type Grant, type PublicAccessBlock, type Resource, type ResourceRef, type ResourceType, type SecurityGroupRule } from '../model.js';
import { normaliseRules, granteeName } from '../exposure.js';
import { all, iso, orNull, type Ctx } from './aws-context.js';

const NO_ENTITY = ['NoSuchEntityException', 'NoSuchEntity'];

export async function readAccount(ctx: Ctx): Promise<Resource> {
  const iam = ctx.client(IAMClient);
  const [summary, policy, block] = await Promise.all([
    ctx.attempt('iam:GetAccountSummary', () => iam.send(new GetAccountSummaryCommand({}))),
    ctx.attempt('iam:GetAccountPasswordPolicy', () => orNull(() => iam.send(new GetAccountPasswordPolicyCommand({})), ...NO_ENTITY)),
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
  return { type: 'account', id: ctx.account, attributes };
}

function pab(c: Partial<Record<'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets', boolean>> | undefined): PublicAccessBlock {
  return {
    blockPublicAcls: Boolean(c?.BlockPublicAcls),
    ignorePublicAcls: Boolean(c?.IgnorePublicAcls),
    blockPublicPolicy: Boolean(c?.BlockPublicPolicy),
    restrictPublicBuckets: Boolean(c?.RestrictPublicBuckets),
  };
}

/** What IAM says of a user itself, from the account's authorization details or from GetUser and its lists. */
export interface UserFields {
  name: string;
  arn?: string;
  createdAt: Date | undefined;
  attachedPolicies: string[];
  inlinePolicies: string[];
  groups: string[];
  /** Undefined when it could not be read. */
  passwordLastUsed?: string | null;
}

/** A user with its console access and MFA devices (its access keys are resources of their own). */
export async function userResource(ctx: Ctx, u: UserFields): Promise<Resource> {
  const iam = ctx.client(IAMClient);
  const UserName = u.name;
  const [mfa, login] = await Promise.all([
    ctx.attempt(`iam:ListMFADevices ${UserName}`, () => all(paginateListMFADevices({ client: iam }, { UserName }))),
    ctx.attempt(`iam:GetLoginProfile ${UserName}`, () => orNull(() => iam.send(new GetLoginProfileCommand({ UserName })), ...NO_ENTITY)),
  ]);
  const attributes: Record<string, unknown> = {
    createdAt: iso(u.createdAt),
    attachedPolicies: u.attachedPolicies,
    inlinePolicies: u.inlinePolicies,
    groups: u.groups,
  };
  if (login !== undefined) attributes.consoleAccess = login !== null;
  if (u.passwordLastUsed !== undefined) attributes.passwordLastUsed = u.passwordLastUsed;
  if (mfa) attributes.mfaDevices = mfa.flatMap((p) => p.MFADevices ?? []).map((d) => d.SerialNumber!);
  return { type: 'iam.user', id: UserName, arn: u.arn, attributes };
}

export async function readUser(ctx: Ctx, UserName: string): Promise<Resource> {
  const iam = ctx.client(IAMClient);
  // First whether it exists at all, then the rest.
  const user = await ctx.attempt(`iam:GetUser ${UserName}`, () => iam.send(new GetUserCommand({ UserName })));
  const [attached, inline, groups] = await Promise.all([
    ctx.attempt(`iam:ListAttachedUserPolicies ${UserName}`, () => all(paginateListAttachedUserPolicies({ client: iam }, { UserName }))),
    ctx.attempt(`iam:ListUserPolicies ${UserName}`, () => all(paginateListUserPolicies({ client: iam }, { UserName }))),
    ctx.attempt(`iam:ListGroupsForUser ${UserName}`, () => all(paginateListGroupsForUser({ client: iam }, { UserName }))),
  ]);
  return userResource(ctx, {
    name: UserName,
    arn: user?.User?.Arn,
    createdAt: user?.User?.CreateDate,
    passwordLastUsed: user ? iso(user.User?.PasswordLastUsed) : undefined,
    attachedPolicies: (attached ?? []).flatMap((p) => p.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
    inlinePolicies: (inline ?? []).flatMap((p) => p.PolicyNames ?? []),
    groups: (groups ?? []).flatMap((p) => p.Groups ?? []).map((g) => g.GroupName!),
  });
}

/** A user's access keys, each with its last use; undefined when they could not be listed. */
export async function readAccessKeys(ctx: Ctx, UserName: string): Promise<Resource[] | undefined> {
  const iam = ctx.client(IAMClient);
  const pages = await ctx.attempt(`iam:ListAccessKeys ${UserName}`, () => all(paginateListAccessKeys({ client: iam }, { UserName })));
  if (!pages) return undefined;
  const out: Resource[] = [];
  for (const key of pages.flatMap((p) => p.AccessKeyMetadata ?? [])) out.push(await accessKeyResource(ctx, UserName, key));
  return out;
}

async function accessKeyResource(ctx: Ctx, user: string, key: AccessKeyMetadata): Promise<Resource> {
  const AccessKeyId = key.AccessKeyId!;
  const used = await ctx.attempt(`iam:GetAccessKeyLastUsed ${AccessKeyId}`, () => ctx.client(IAMClient).send(new GetAccessKeyLastUsedCommand({ AccessKeyId })));
  return {
    type: 'iam.access_key',
    id: AccessKeyId,
    attributes: { user, status: key.Status, createdAt: iso(key.CreateDate), ...(used ? { lastUsed: iso(used.AccessKeyLastUsed?.LastUsedDate) } : {}) },
  };
}

/** One access key: its user (from GetAccessKeyLastUsed), then that user's keys; null when neither has it. */
export async function readAccessKey(ctx: Ctx, AccessKeyId: string): Promise<Resource | null> {
  const used = await ctx.attempt(`iam:GetAccessKeyLastUsed ${AccessKeyId}`, () => ctx.client(IAMClient).send(new GetAccessKeyLastUsedCommand({ AccessKeyId })));
  if (!used?.UserName) return null;
  const keys = await readAccessKeys(ctx, used.UserName);
  return keys?.find((k) => k.id === AccessKeyId) ?? null;
}

export interface RoleFields {
  name: string;
  arn?: string;
  path?: string;
  /** As IAM gives it: URL-encoded JSON. */
  trustPolicy?: string;
  attachedPolicies: string[];
  inlinePolicies: string[];
}

export function roleResource(r: RoleFields): Resource {
  return {
    type: 'iam.role',
    id: r.name,
    arn: r.arn,
    attributes: {
      path: r.path ?? '/',
      trustPolicy: parsePolicy(r.trustPolicy) ?? { Statement: [] },
      attachedPolicies: r.attachedPolicies,
      inlinePolicies: r.inlinePolicies,
    },
  };
}

export async function readRole(ctx: Ctx, RoleName: string): Promise<Resource> {
  const iam = ctx.client(IAMClient);
  const role = await ctx.attempt(`iam:GetRole ${RoleName}`, () => iam.send(new GetRoleCommand({ RoleName })));
  const [attached, inline] = await Promise.all([
    ctx.attempt(`iam:ListAttachedRolePolicies ${RoleName}`, () => all(paginateListAttachedRolePolicies({ client: iam }, { RoleName }))),
    ctx.attempt(`iam:ListRolePolicies ${RoleName}`, () => all(paginateListRolePolicies({ client: iam }, { RoleName }))),
  ]);
  return roleResource({
    name: RoleName,
    arn: role?.Role?.Arn,
    path: role?.Role?.Path,
    trustPolicy: role?.Role?.AssumeRolePolicyDocument,
    attachedPolicies: (attached ?? []).flatMap((p) => p.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
    inlinePolicies: (inline ?? []).flatMap((p) => p.PolicyNames ?? []),
  });
}

/** A bucket's ACL, policy, public access block, encryption, versioning and logging, read in its own region. */
export async function readBucket(ctx: Ctx, Bucket: string, owner?: string): Promise<Resource> {
  const s3 = (region = ctx.home) => ctx.client(S3Client, region, { forcePathStyle: true, followRegionRedirects: true });
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

export function securityGroupResource(ctx: Ctx, region: string, g: SecurityGroup): Resource {
  return {
    type: 'ec2.security_group',
    id: g.GroupId!,
    name: g.GroupName,
    arn: `arn:aws:ec2:${region}:${g.OwnerId ?? ctx.account}:security-group/${g.GroupId}`,
    region,
    attributes: { groupName: g.GroupName, vpcId: g.VpcId ?? null, ingress: ec2Rules(g.IpPermissions), egress: ec2Rules(g.IpPermissionsEgress) },
  };
}

export async function readSecurityGroup(ctx: Ctx, GroupId: string, region: string): Promise<Resource | null> {
  const r = await ctx.attempt(`ec2:DescribeSecurityGroups ${GroupId}`, () => ctx.client(EC2Client, region).send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] })));
  const group = r?.SecurityGroups?.find((g) => g.GroupId === GroupId);
  return group ? securityGroupResource(ctx, region, group) : null;
}

/** A trail with its logging status, read in its home region. */
export async function trailResource(ctx: Ctx, region: string, t: Trail): Promise<Resource> {
  const ct = ctx.client(CloudTrailClient, t.HomeRegion ?? region);
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
}

export async function readTrail(ctx: Ctx, Name: string, region: string): Promise<Resource | null> {
  const r = await ctx.attempt(`cloudtrail:GetTrail ${Name}`, () => ctx.client(CloudTrailClient, region).send(new GetTrailCommand({ Name })));
  return r?.Trail ? trailResource(ctx, region, r.Trail) : null;
}

export async function detectorIds(ctx: Ctx, region: string): Promise<string[] | undefined> {
  const pages = await ctx.attempt(`guardduty:ListDetectors ${region}`, () => all(paginateListDetectors({ client: ctx.client(GuardDutyClient, region) }, {})));
  return pages?.flatMap((p) => p.DetectorIds ?? []);
}

export async function detectorResource(ctx: Ctx, DetectorId: string, region: string): Promise<Resource> {
  const d = await ctx.attempt(`guardduty:GetDetector ${DetectorId}`, () => ctx.client(GuardDutyClient, region).send(new GetDetectorCommand({ DetectorId })));
  return { type: 'guardduty.detector', id: DetectorId, region, attributes: d ? { status: d.Status === 'ENABLED' ? 'ENABLED' : 'DISABLED' } : {} };
}

/** GuardDuty answers a deleted detector with a generic BadRequest: whether it exists is read from the region's list. */
export async function readDetector(ctx: Ctx, id: string, region: string): Promise<Resource | null> {
  const ids = await detectorIds(ctx, region);
  return ids && !ids.includes(id) ? null : detectorResource(ctx, id, region);
}

/** A KMS key with its rotation (customer-managed symmetric keys that are enabled); undefined when it could not be described. */
export async function readKmsKey(ctx: Ctx, KeyId: string, region: string): Promise<Resource | undefined> {
  const kms = ctx.client(KMSClient, region);
  const d = await ctx.attempt(`kms:DescribeKey ${KeyId}`, () => kms.send(new DescribeKeyCommand({ KeyId })));
  const meta = d?.KeyMetadata;
  if (!meta) return undefined;
  const customer = meta.KeyManager === 'CUSTOMER';
  const symmetric = meta.KeySpec === 'SYMMETRIC_DEFAULT' || meta.KeySpec === undefined;
  const rotation =
    customer && symmetric && meta.KeyState === 'Enabled' ? await ctx.attempt(`kms:GetKeyRotationStatus ${KeyId}`, () => kms.send(new GetKeyRotationStatusCommand({ KeyId }))) : undefined;
  return {
    type: 'kms.key',
    id: meta.KeyId!,
    arn: meta.Arn,
    region,
    attributes: { manager: customer ? 'CUSTOMER' : 'AWS', state: meta.KeyState ?? 'Unknown', ...(rotation ? { rotationEnabled: Boolean(rotation.KeyRotationEnabled) } : {}) },
  };
}

/** Reads one resource of each kind event-driven drift follows; null: it does not exist. */
export const RESOURCE_READERS: Partial<Record<ResourceType, (ctx: Ctx, ref: ResourceRef) => Promise<Resource | null | undefined>>> = {
  account: (ctx) => readAccount(ctx),
  'iam.user': (ctx, ref) => readUser(ctx, ref.id),
  'iam.access_key': (ctx, ref) => readAccessKey(ctx, ref.id),
  'iam.role': (ctx, ref) => readRole(ctx, ref.id),
  's3.bucket': (ctx, ref) => readBucket(ctx, ref.id),
  'ec2.security_group': (ctx, ref) => readSecurityGroup(ctx, ref.id, ref.region ?? ctx.home),
  'cloudtrail.trail': (ctx, ref) => readTrail(ctx, ref.id, ref.region ?? ctx.home),
  'guardduty.detector': (ctx, ref) => readDetector(ctx, ref.id, ref.region ?? ctx.home),
  'kms.key': (ctx, ref) => readKmsKey(ctx, ref.id, ref.region ?? ctx.home),
};
