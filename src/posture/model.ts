/**
 * The inventory model: one snapshot of a cloud account as a flat list of typed resources.
 * Expected state (Terraform, declared YAML, a baseline snapshot) and actual state (the
 * collector, imports) are both expressed in it, so drift is a comparison of two lists.
 * The JSON shape is described by `INVENTORY_SCHEMA` (schema.ts) and docs/inventory-schema.md.
 */

export const SNAPSHOT_SCHEMA = 'vigil.inventory/1';

export type Provider = 'aws' | 'gcp';

export const RESOURCE_TYPES = [
  'account',
  'iam.user',
  'iam.access_key',
  'iam.role',
  'iam.group',
  'iam.policy',
  's3.bucket',
  'ec2.security_group',
  'cloudtrail.trail',
  'guardduty.detector',
  'securityhub.hub',
  'kms.key',
  'gcp.iam_policy',
  'gcp.bucket',
  'gcp.firewall',
  'gcp.service_account',
  'gcp.service_account_key',
] as const;

export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface Resource {
  type: ResourceType;
  /** Unique within its type in one account: user name, key id, bucket name, sg id, … */
  id: string;
  name?: string;
  arn?: string;
  /** AWS region or GCP location; absent for global resources (IAM). */
  region?: string;
  /** Type-specific, see the attribute interfaces below. Absent means "not known". */
  attributes: Record<string, unknown>;
}

/** Which resource, to read it again: its kind, its id, and the region it lives in (when it has one). */
export type ResourceRef = Pick<Resource, 'type' | 'id' | 'region'>;

export interface Snapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  provider: Provider;
  /** AWS account id or GCP project id. */
  account: string;
  collectedAt: string;
  /** Regions that were enabled and collected (drives "in every region" checks). */
  regions: string[];
  /** How it was made: `aws-api`, `gcp-cai`, `file`, … */
  source: string;
  resources: Resource[];
}

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface AccountAttributes {
  rootMfaEnabled?: boolean;
  rootAccessKeysPresent?: boolean;
  publicAccessBlock?: PublicAccessBlock | null;
  passwordPolicy?: { minimumLength?: number; reusePrevention?: number } | null;
}

export interface UserAttributes {
  createdAt?: string;
  consoleAccess?: boolean;
  passwordLastUsed?: string | null;
  mfaDevices?: string[];
  attachedPolicies?: string[];
  inlinePolicies?: string[];
  groups?: string[];
}

export interface AccessKeyAttributes {
  user?: string;
  status?: 'Active' | 'Inactive';
  createdAt?: string;
  lastUsed?: string | null;
}

export interface RoleAttributes {
  trustPolicy?: PolicyDocument;
  attachedPolicies?: string[];
  inlinePolicies?: string[];
  path?: string;
}

export interface Grant {
  /** `AllUsers`, `AuthenticatedUsers`, `LogDelivery`, or a canonical user id / email. */
  grantee: string;
  permission: string;
}

export interface BucketAttributes {
  acl?: Grant[];
  policy?: PolicyDocument | null;
  publicAccessBlock?: PublicAccessBlock | null;
  /** `AES256`, `aws:kms`, `aws:kms:dsse`, or null when the bucket has no default encryption. */
  encryption?: string | null;
  versioning?: 'Enabled' | 'Suspended' | 'Disabled';
  logging?: { targetBucket: string; targetPrefix?: string } | null;
}

/** One permission from one source; `protocol` is `-1` for all, ports null for all. */
export interface SecurityGroupRule {
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  /** A CIDR (v4 or v6), a security group id, or a prefix list id. */
  source: string;
}

export interface SecurityGroupAttributes {
  groupName?: string;
  vpcId?: string | null;
  ingress?: SecurityGroupRule[];
  egress?: SecurityGroupRule[];
}

export interface TrailAttributes {
  homeRegion?: string;
  multiRegion?: boolean;
  logFileValidation?: boolean;
  logging?: boolean;
  s3Bucket?: string;
  kmsKeyId?: string | null;
}

export interface DetectorAttributes {
  status?: 'ENABLED' | 'DISABLED';
}

export interface KeyAttributes {
  manager?: 'CUSTOMER' | 'AWS';
  state?: string;
  rotationEnabled?: boolean;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** `type:id`, the identity of a resource across expected and actual state. */
export function resourceKey(r: Pick<Resource, 'type' | 'id'>): string {
  return `${r.type}:${r.id}`;
}

export function attrs<T>(r: Resource): T {
  return r.attributes as T;
}

export function statements(doc: PolicyDocument | null | undefined): PolicyStatement[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Parses a policy given as JSON text (Terraform, CloudTrail, IAM's URL-encoded form). */
export function parsePolicy(text: string | null | undefined): PolicyDocument | null {
  if (text === null || text === undefined || text === '') return null;
  let t = text.trim();
  if (t.startsWith('%7B') || t.startsWith('%7b')) t = decodeURIComponent(t);
  return JSON.parse(t) as PolicyDocument;
}
