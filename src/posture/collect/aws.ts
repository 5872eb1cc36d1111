/**
 * The actual state of an AWS account through the AWS SDK v3: credentials from the standard
 * chain, every enabled region, every list paginated, throttling retried by the SDK's
 * standard retry strategy. What a call may not read (access denied, opt-in region) is a
 * warning and leaves the attribute unknown, never a guess. One resource can also be read
 * again on its own (event-driven drift), by the same readers.
 */
import {
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  paginateListUsers,
  type UserDetail,
  type RoleDetail,
  type GroupDetail,
  type ManagedPolicyDetail,
} from '@aws-sdk/client-iam';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { EC2Client, DescribeRegionsCommand, paginateDescribeSecurityGroups } from '@aws-sdk/client-ec2';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { SecurityHubClient, DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import { parsePolicy, type Resource, type ResourceRef, type Snapshot } from '../model.js';
import { newSnapshot } from '../snapshot.js';
import { all, awsClients, awsContext, callerAccount, iso, mapLimit, orNull, unlessGone, type AwsCollectOptions, type Ctx } from './aws-context.js';
import {
  detectorIds,
  detectorResource,
  readAccessKeys,
  readAccount,
  readBucket,
  readKmsKey,
  roleResource,
  securityGroupResource,
  trailResource,
  userResource,
  RESOURCE_READERS,
} from './aws-resources.js';

export type { AwsCollectOptions };

export interface CollectResult {
  snapshot: Snapshot;
  /** Calls that could not be made (access denied, region disabled): their attributes stay unknown. */
  warnings: string[];
}

export async function collectAws(options: AwsCollectOptions = {}): Promise<CollectResult> {
  const clients = awsClients(options);
  const account = await callerAccount(clients);
  const warnings: string[] = [];
  const ctx = awsContext(clients, account, warnings);
  const regions = options.regions ?? (await enabledRegions(ctx.client(EC2Client)));
  const parts = await Promise.all([
    readAccount(ctx).then((r) => [r]),
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

/** Reads single resources again; every call must succeed, or the read fails (nothing is left unknown). */
export interface AwsResourceReader {
  /** The account the credentials belong to. */
  account: string;
  /** The resource as the API has it now; null when it no longer exists. */
  read(ref: ResourceRef): Promise<Resource | null>;
  close(): void;
}

/** Resolves the credentials (a UserError when there are none) and returns a reader for their account. */
export async function connectAwsReader(options: AwsCollectOptions = {}): Promise<AwsResourceReader> {
  // A read that hangs must not hold its place among the service's reads for ever.
  const requestHandler = { connectionTimeout: 5_000, requestTimeout: 30_000, ...(options.requestHandler as Record<string, unknown> | undefined) };
  const clients = awsClients({ ...options, requestHandler });
  const account = await callerAccount(clients).catch((err: Error) => {
    clients.destroy();
    throw err;
  });
  const ctx = awsContext(clients, account);
  return {
    account,
    async read(ref) {
      const reader = RESOURCE_READERS[ref.type];
      if (!reader) throw new Error(`${ref.type} is not read from the AWS API`);
      const resource = await unlessGone(() => reader(ctx, ref));
      if (resource === undefined) throw new Error(`${ref.type} ${ref.id}: the API's answer does not describe it`);
      return resource;
    },
    close: () => clients.destroy(),
  };
}

const present = <T>(xs: Array<T | null | undefined>): T[] => xs.filter((x): x is T => x !== null && x !== undefined);

async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const r = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
  return (r.Regions ?? []).map((x) => x.RegionName!).filter(Boolean);
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
  const perUser = await mapLimit(users, 4, async (u) => {
    const name = u.UserName!;
    const [user, keys] = await Promise.all([
      unlessGone(() =>
        userResource(ctx, {
          name,
          arn: u.Arn,
          createdAt: u.CreateDate,
          attachedPolicies: (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!),
          inlinePolicies: (u.UserPolicyList ?? []).map((p) => p.PolicyName!),
          groups: u.GroupList ?? [],
          passwordLastUsed: listed ? (lastLogin.get(name) ?? null) : undefined,
        }),
      ),
      unlessGone(() => readAccessKeys(ctx, name)),
    ]);
    return user ? [user, ...(keys ?? [])] : [];
  });
  const out: Resource[] = perUser.flat();
  for (const r of roles) {
    out.push(
      roleResource({
        name: r.RoleName!,
        arn: r.Arn,
        path: r.Path,
        trustPolicy: r.AssumeRolePolicyDocument,
        attachedPolicies: (r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!),
        inlinePolicies: (r.RolePolicyList ?? []).map((p) => p.PolicyName!),
      }),
    );
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
  const list = await ctx.attempt('s3:ListBuckets', () => ctx.client(S3Client, ctx.home, { forcePathStyle: true, followRegionRedirects: true }).send(new ListBucketsCommand({})));
  return present(await mapLimit(list?.Buckets ?? [], 4, (b) => unlessGone(() => readBucket(ctx, b.Name!, list?.Owner?.ID))));
}

async function collectSecurityGroups(ctx: Ctx, region: string): Promise<Resource[]> {
  const pages = await ctx.attempt(`ec2:DescribeSecurityGroups ${region}`, () => all(paginateDescribeSecurityGroups({ client: ctx.client(EC2Client, region) }, {})));
  return (pages ?? []).flatMap((p) => (p.SecurityGroups ?? []).map((g) => securityGroupResource(ctx, region, g)));
}

async function collectTrails(ctx: Ctx, region: string): Promise<Resource[]> {
  const trails = await ctx.attempt(`cloudtrail:DescribeTrails ${region}`, () => ctx.client(CloudTrailClient, region).send(new DescribeTrailsCommand({ includeShadowTrails: false })));
  return present(await mapLimit(trails?.trailList ?? [], 2, (t) => unlessGone(() => trailResource(ctx, region, t))));
}

async function collectGuardDuty(ctx: Ctx, region: string): Promise<Resource[]> {
  return mapLimit((await detectorIds(ctx, region)) ?? [], 2, (id) => detectorResource(ctx, id, region));
}

async function collectSecurityHub(ctx: Ctx, region: string): Promise<Resource[]> {
  const hub = await ctx.attempt(`securityhub:DescribeHub ${region}`, () =>
    orNull(() => ctx.client(SecurityHubClient, region).send(new DescribeHubCommand({})), 'InvalidAccessException', 'ResourceNotFoundException'),
  );
  return hub === undefined ? [] : [{ type: 'securityhub.hub', id: region, region, attributes: { enabled: hub !== null } }];
}

async function collectKms(ctx: Ctx, region: string): Promise<Resource[]> {
  const pages = await ctx.attempt(`kms:ListKeys ${region}`, () => all(paginateListKeys({ client: ctx.client(KMSClient, region) }, {})));
  const keys = (pages ?? []).flatMap((p) => p.Keys ?? []);
  return present(await mapLimit(keys, 4, (k) => unlessGone(() => readKmsKey(ctx, k.KeyId!, region))));
}
