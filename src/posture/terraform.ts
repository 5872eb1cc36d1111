/**
 * Expected state from Terraform state (format version 4): every managed resource of the
 * types vigil tracks, mapped into the inventory model. Resources that only configure
 * another (aws_s3_bucket_acl, aws_security_group_rule, aws_iam_user_policy_attachment, …)
 * are contributions merged into the resource they configure, after the primary ones.
 */
import { UserError } from '../util/errors.js';
import type { Resource, ResourceType } from './model.js';
import { parsePolicy } from './model.js';
import { cannedAcl, granteeName, normaliseRules } from './exposure.js';
import { readJsonFile, type LocatedJson } from './json.js';
import { validator } from './validate.js';

type Attrs = Record<string, unknown>;

/** A part of one inventory resource: attributes to set, and list items to append. */
interface Contribution {
  type: ResourceType;
  id: string;
  arn?: string;
  name?: string;
  region?: string;
  set?: Attrs;
  append?: Record<string, unknown[]>;
}

interface Mapper {
  /** Primary mappers create resources; the others are merged into them afterwards. */
  primary?: boolean;
  map(a: Attrs): Contribution | Contribution[] | undefined;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const first = (v: unknown): Attrs | undefined => (Array.isArray(v) && v.length > 0 ? (v[0] as Attrs) : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(s) : []);
const regionOf = (arn: unknown) => s(arn).split(':')[3] || undefined;
const policyText = (v: unknown) => {
  try {
    return parsePolicy(s(v));
  } catch {
    return null;
  }
};

function pab(a: Attrs) {
  return {
    blockPublicAcls: Boolean(a.block_public_acls),
    ignorePublicAcls: Boolean(a.ignore_public_acls),
    blockPublicPolicy: Boolean(a.block_public_policy),
    restrictPublicBuckets: Boolean(a.restrict_public_buckets),
  };
}

/** Terraform's ingress/egress blocks and rule resources share field names. */
function tfRules(r: Attrs) {
  return normaliseRules({
    protocol: s(r.protocol ?? r.ip_protocol),
    fromPort: r.from_port as number | null,
    toPort: r.to_port as number | null,
    sources: [
      ...list(r.cidr_blocks),
      ...list(r.ipv6_cidr_blocks),
      ...list(r.security_groups),
      ...list(r.prefix_list_ids),
      s(r.source_security_group_id),
      s(r.cidr_ipv4),
      s(r.cidr_ipv6),
      s(r.referenced_security_group_id),
      s(r.prefix_list_id),
    ],
  });
}

const bucket = (a: Attrs, set: Attrs): Contribution => ({ type: 's3.bucket', id: s(a.bucket), set });
const appendTo = (type: ResourceType, id: unknown, field: string, ...items: unknown[]): Contribution => ({
  type,
  id: s(id),
  append: { [field]: items },
});

export const TERRAFORM_MAPPERS: Record<string, Mapper> = {
  aws_iam_user: {
    primary: true,
    map: (a) => ({ type: 'iam.user', id: s(a.name), arn: s(a.arn), set: { consoleAccess: false, attachedPolicies: [], inlinePolicies: [], groups: [] } }),
  },
  aws_iam_user_login_profile: { map: (a) => ({ type: 'iam.user', id: s(a.user), set: { consoleAccess: true } }) },
  aws_iam_virtual_mfa_device: { map: (a) => (a.user_name ? appendTo('iam.user', a.user_name, 'mfaDevices', s(a.arn)) : undefined) },
  aws_iam_user_policy_attachment: { map: (a) => appendTo('iam.user', a.user, 'attachedPolicies', s(a.policy_arn)) },
  aws_iam_user_policy: { map: (a) => appendTo('iam.user', a.user, 'inlinePolicies', s(a.name)) },
  aws_iam_user_group_membership: { map: (a) => appendTo('iam.user', a.user, 'groups', ...list(a.groups)) },
  aws_iam_group_membership: { map: (a) => list(a.users).map((u) => appendTo('iam.user', u, 'groups', s(a.group))) },
  aws_iam_access_key: {
    primary: true,
    map: (a) => ({ type: 'iam.access_key', id: s(a.id), set: { user: s(a.user), status: s(a.status) || 'Active' } }),
  },
  aws_iam_role: {
    primary: true,
    map: (a) => ({
      type: 'iam.role',
      id: s(a.name),
      arn: s(a.arn),
      set: { path: s(a.path) || '/', trustPolicy: policyText(a.assume_role_policy) ?? { Statement: [] }, attachedPolicies: [], inlinePolicies: [] },
    }),
  },
  aws_iam_role_policy_attachment: { map: (a) => appendTo('iam.role', a.role, 'attachedPolicies', s(a.policy_arn)) },
  aws_iam_role_policy: { map: (a) => appendTo('iam.role', s(a.role).split(':').pop(), 'inlinePolicies', s(a.name)) },
  aws_iam_group: {
    primary: true,
    map: (a) => ({ type: 'iam.group', id: s(a.name), arn: s(a.arn), set: { attachedPolicies: [], inlinePolicies: [] } }),
  },
  aws_iam_group_policy_attachment: { map: (a) => appendTo('iam.group', a.group, 'attachedPolicies', s(a.policy_arn)) },
  aws_iam_policy: {
    primary: true,
    map: (a) => ({ type: 'iam.policy', id: s(a.arn), name: s(a.name), arn: s(a.arn), set: { document: policyText(a.policy) ?? { Statement: [] } } }),
  },
  aws_s3_bucket: {
    primary: true,
    map: (a) => {
      const set: Attrs = {};
      if (a.acl) set.acl = cannedAcl(s(a.acl));
      if (typeof a.policy === 'string') set.policy = policyText(a.policy);
      const versioning = first(a.versioning);
      if (versioning) set.versioning = versioning.enabled ? 'Enabled' : 'Suspended';
      const sse = first(first(first(a.server_side_encryption_configuration)?.rule)?.apply_server_side_encryption_by_default);
      if (sse) set.encryption = s(sse.sse_algorithm);
      const logging = first(a.logging);
      if (logging) set.logging = { targetBucket: s(logging.target_bucket), targetPrefix: s(logging.target_prefix) };
      return { type: 's3.bucket', id: s(a.bucket), arn: s(a.arn), region: s(a.region) || undefined, set };
    },
  },
  aws_s3_bucket_acl: {
    map: (a) => {
      const grants = first(a.access_control_policy)?.grant as Attrs[] | undefined;
      if (!grants) return bucket(a, { acl: cannedAcl(s(a.acl)) });
      const owner = s(first(first(a.access_control_policy)?.owner)?.id);
      return bucket(a, {
        acl: grants.map((g) => ({ grantee: granteeName(first(g.grantee) ?? {}, owner), permission: s(g.permission) })),
      });
    },
  },
  aws_s3_bucket_policy: { map: (a) => bucket(a, { policy: policyText(a.policy) }) },
  aws_s3_bucket_public_access_block: { map: (a) => bucket(a, { publicAccessBlock: pab(a) }) },
  aws_s3_bucket_server_side_encryption_configuration: {
    map: (a) => bucket(a, { encryption: s(first(first(a.rule)?.apply_server_side_encryption_by_default)?.sse_algorithm) || null }),
  },
  aws_s3_bucket_versioning: {
    map: (a) => bucket(a, { versioning: s(first(a.versioning_configuration)?.status) || 'Disabled' }),
  },
  aws_s3_bucket_logging: {
    map: (a) => bucket(a, { logging: { targetBucket: s(a.target_bucket), targetPrefix: s(a.target_prefix) } }),
  },
  aws_s3_account_public_access_block: {
    primary: true,
    map: (a) => ({ type: 'account', id: s(a.account_id) || SELF, set: { publicAccessBlock: pab(a) } }),
  },
  aws_security_group: {
    primary: true,
    map: (a) => ({
      type: 'ec2.security_group',
      id: s(a.id),
      name: s(a.name),
      arn: s(a.arn),
      region: regionOf(a.arn),
      set: {
        groupName: s(a.name),
        vpcId: s(a.vpc_id) || null,
        ingress: ((a.ingress ?? []) as Attrs[]).flatMap(tfRules),
        egress: ((a.egress ?? []) as Attrs[]).flatMap(tfRules),
      },
    }),
  },
  aws_security_group_rule: {
    map: (a) => appendTo('ec2.security_group', a.security_group_id, a.type === 'egress' ? 'egress' : 'ingress', ...tfRules(a)),
  },
  aws_vpc_security_group_ingress_rule: { map: (a) => appendTo('ec2.security_group', a.security_group_id, 'ingress', ...tfRules(a)) },
  aws_vpc_security_group_egress_rule: { map: (a) => appendTo('ec2.security_group', a.security_group_id, 'egress', ...tfRules(a)) },
  aws_cloudtrail: {
    primary: true,
    map: (a) => ({
      type: 'cloudtrail.trail',
      id: s(a.name),
      arn: s(a.arn),
      region: s(a.home_region) || regionOf(a.arn),
      set: {
        homeRegion: s(a.home_region) || regionOf(a.arn),
        multiRegion: Boolean(a.is_multi_region_trail),
        logFileValidation: Boolean(a.enable_log_file_validation),
        logging: a.enable_logging !== false,
        s3Bucket: s(a.s3_bucket_name),
        kmsKeyId: s(a.kms_key_id) || null,
      },
    }),
  },
  aws_guardduty_detector: {
    primary: true,
    map: (a) => ({ type: 'guardduty.detector', id: s(a.id), region: regionOf(a.arn), set: { status: a.enable === false ? 'DISABLED' : 'ENABLED' } }),
  },
  aws_kms_key: {
    primary: true,
    map: (a) => ({
      type: 'kms.key',
      id: s(a.key_id),
      arn: s(a.arn),
      region: regionOf(a.arn),
      set: { manager: 'CUSTOMER', state: a.is_enabled === false ? 'Disabled' : 'Enabled', rotationEnabled: Boolean(a.enable_key_rotation) },
    }),
  },
};

/** Account id placeholder when Terraform does not record it; drift resolves it to the actual account. */
export const SELF = 'self';

interface TfState {
  version: number;
  resources: Array<{ mode: string; type: string; name: string; module?: string; instances: Array<{ attributes?: Attrs }> }>;
}

const checkState = validator<TfState>(
  {
    type: 'object',
    required: ['version', 'resources'],
    properties: {
      version: { const: 4 },
      resources: {
        type: 'array',
        items: {
          type: 'object',
          required: ['mode', 'type', 'name', 'instances'],
          properties: {
            mode: { enum: ['managed', 'data'] },
            type: { type: 'string' },
            name: { type: 'string' },
            module: { type: 'string' },
            instances: { type: 'array', items: { type: 'object', properties: { attributes: { type: 'object' } } } },
          },
        },
      },
    },
  },
  'state',
);

export function loadTerraformState(file: string): Resource[] {
  return terraformResources(readJsonFile(file, 'Terraform state'));
}

export function terraformResources(json: LocatedJson): Resource[] {
  const v = json.value as { version?: unknown };
  if (typeof v === 'object' && v !== null && typeof v.version === 'number' && v.version !== 4) {
    throw new UserError(`${json.at(['version'])}: Terraform state format version ${v.version} is not supported (only 4, Terraform ≥ 0.12)`);
  }
  const state = checkState(json.value, json.at);
  const contributions: Array<{ c: Contribution; primary: boolean }> = [];
  state.resources.forEach((res, i) => {
    const mapper = TERRAFORM_MAPPERS[res.type];
    if (res.mode !== 'managed' || !mapper) return;
    res.instances.forEach((inst, j) => {
      if (!inst.attributes) throw new UserError(`${json.at(['resources', i, 'instances', j])}: instance of ${res.type}.${res.name} has no attributes`);
      for (const c of [mapper.map(inst.attributes) ?? []].flat()) {
        if (!c.id) throw new UserError(`${json.at(['resources', i, 'instances', j, 'attributes'])}: ${res.type}.${res.name} has no identifying attribute`);
        contributions.push({ c, primary: Boolean(mapper.primary) });
      }
    });
  });
  return mergeContributions([...contributions.filter((x) => x.primary), ...contributions.filter((x) => !x.primary)].map((x) => x.c));
}

function mergeContributions(contributions: Contribution[]): Resource[] {
  const byKey = new Map<string, Resource>();
  for (const c of contributions) {
    const key = `${c.type}:${c.id}`;
    let r = byKey.get(key);
    if (!r) {
      r = { type: c.type, id: c.id, attributes: {} };
      byKey.set(key, r);
    }
    if (c.arn) r.arn = c.arn;
    if (c.name) r.name = c.name;
    if (c.region) r.region = c.region;
    Object.assign(r.attributes, c.set);
    for (const [field, items] of Object.entries(c.append ?? {})) {
      r.attributes[field] = [...((r.attributes[field] as unknown[] | undefined) ?? []), ...items];
    }
  }
  return [...byKey.values()];
}
