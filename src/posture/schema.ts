import { RESOURCE_TYPES, SNAPSHOT_SCHEMA } from './model.js';

/**
 * JSON Schema (draft-07) of an inventory snapshot, version 1. Documented in
 * docs/inventory-schema.md; printed by `vigil inventory schema`. A change that breaks old
 * snapshots bumps SNAPSHOT_SCHEMA.
 */
const str = { type: 'string' };
const bool = { type: 'boolean' };
const strList = { type: 'array', items: str };
const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});
const policy = obj({ Statement: { type: ['object', 'array'] } }, ['Statement']);
const pab = obj(
  { blockPublicAcls: bool, ignorePublicAcls: bool, blockPublicPolicy: bool, restrictPublicBuckets: bool },
  ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'],
);
const port = nullable({ type: 'integer', minimum: -1, maximum: 65535 });
const sgRule = obj({ protocol: str, fromPort: port, toPort: port, source: str }, [
  'protocol',
  'fromPort',
  'toPort',
  'source',
]);
const bindings = { type: 'array', items: obj({ role: str, members: strList }, ['role', 'members']) };

/** Attributes by resource type. Every attribute is optional: absent means "not known". */
export const ATTRIBUTE_SCHEMAS: Record<string, object> = {
  account: obj({
    rootMfaEnabled: bool,
    rootAccessKeysPresent: bool,
    publicAccessBlock: nullable(pab),
    passwordPolicy: nullable(obj({ minimumLength: { type: 'integer' }, reusePrevention: { type: 'integer' } })),
  }),
  'iam.user': obj({
    createdAt: str,
    consoleAccess: bool,
    passwordLastUsed: nullable(str),
    mfaDevices: strList,
    attachedPolicies: strList,
    inlinePolicies: strList,
    groups: strList,
  }),
  'iam.access_key': obj({
    user: str,
    status: { enum: ['Active', 'Inactive'] },
    createdAt: str,
    lastUsed: nullable(str),
  }),
  'iam.role': obj({ trustPolicy: policy, attachedPolicies: strList, inlinePolicies: strList, path: str }),
  'iam.group': obj({ attachedPolicies: strList, inlinePolicies: strList }),
  'iam.policy': obj({ document: policy }),
  's3.bucket': obj({
    acl: { type: 'array', items: obj({ grantee: str, permission: str }, ['grantee', 'permission']) },
    policy: nullable(policy),
    publicAccessBlock: nullable(pab),
    encryption: nullable(str),
    versioning: { enum: ['Enabled', 'Suspended', 'Disabled'] },
    logging: nullable(obj({ targetBucket: str, targetPrefix: str }, ['targetBucket'])),
  }),
  'ec2.security_group': obj({
    groupName: str,
    vpcId: nullable(str),
    ingress: { type: 'array', items: sgRule },
    egress: { type: 'array', items: sgRule },
  }),
  'cloudtrail.trail': obj({
    homeRegion: str,
    multiRegion: bool,
    logFileValidation: bool,
    logging: bool,
    s3Bucket: str,
    kmsKeyId: nullable(str),
  }),
  'guardduty.detector': obj({ status: { enum: ['ENABLED', 'DISABLED'] } }),
  'securityhub.hub': obj({ enabled: bool }),
  'kms.key': obj({ manager: { enum: ['CUSTOMER', 'AWS'] }, state: str, rotationEnabled: bool }),
  'gcp.iam_policy': obj({ bindings }),
  'gcp.bucket': obj({
    bindings,
    uniformAccess: bool,
    publicAccessPrevention: str,
    versioning: bool,
    logging: nullable(obj({ targetBucket: str })),
    encryption: nullable(str),
  }),
  'gcp.firewall': obj({
    network: str,
    direction: { enum: ['INGRESS', 'EGRESS'] },
    disabled: bool,
    sourceRanges: strList,
    allowed: { type: 'array', items: obj({ protocol: str, ports: strList }, ['protocol']) },
  }),
  'gcp.service_account': obj({ email: str, disabled: bool }),
  'gcp.service_account_key': obj({ serviceAccount: str, keyType: str, validAfter: str, disabled: bool }),
};

export const INVENTORY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vigil.dev/schemas/inventory-1.json',
  title: 'vigil inventory snapshot',
  type: 'object',
  required: ['schema', 'provider', 'account', 'collectedAt', 'regions', 'source', 'resources'],
  additionalProperties: false,
  properties: {
    schema: { const: SNAPSHOT_SCHEMA },
    provider: { enum: ['aws', 'gcp'] },
    account: { type: 'string', minLength: 1 },
    collectedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    regions: strList,
    source: str,
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'attributes'],
        additionalProperties: false,
        properties: {
          type: { enum: [...RESOURCE_TYPES] },
          id: { type: 'string', minLength: 1 },
          name: str,
          arn: str,
          region: str,
          attributes: { type: 'object' },
        },
        allOf: Object.entries(ATTRIBUTE_SCHEMAS).map(([type, schema]) => ({
          if: { properties: { type: { const: type } }, required: ['type'] },
          then: { properties: { attributes: schema } },
        })),
      },
    },
  },
} as const;
