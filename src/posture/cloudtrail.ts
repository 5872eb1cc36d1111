/**
 * Event-driven drift: a CloudTrail management event that changes a tracked resource is
 * applied to the actual state at once, and that one resource's drift is re-evaluated,
 * instead of waiting for the next snapshot. Each finding names who made the change, when,
 * from where and how. What each API call does to the model is one entry in EVENT_TABLE.
 */
import type { Finding } from '../records/index.js';
import { parsePolicy, resourceKey, type Grant, type PolicyDocument, type Resource, type ResourceRef, type ResourceType, type SecurityGroupRule, type Snapshot } from './model.js';
import { cannedAcl, granteeName, normaliseRules, ruleKey } from './exposure.js';
import { computeDrift } from './drift.js';
import type { ExpectedState } from './expected.js';

/** The fields of a CloudTrail record that drift needs (the record itself may carry more). */
export interface CloudTrailEvent {
  eventName: string;
  eventSource?: string;
  eventTime: string;
  eventID?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  recipientAccountId?: string;
  userIdentity?: { type?: string; arn?: string; userName?: string; accountId?: string; accessKeyId?: string; principalId?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
}

/** Who, when, where and how, from the event. */
export interface ChangeActor {
  who: string;
  identityType?: string;
  accessKeyId?: string;
  when: string;
  sourceIp?: string;
  region?: string;
  eventName: string;
  eventSource?: string;
  eventId?: string;
  userAgent?: string;
}

export interface EventDrift {
  /** `type:id` of the resource the event changed; undefined when the event is not tracked or was ignored. */
  resourceKey?: string;
  /** That resource, to read again from the API: its type, id and region (its own, else the event's). */
  resource?: ResourceRef;
  /** Why nothing was evaluated (failed call, another account, an event that changes nothing tracked). */
  ignored?: string;
  actor: ChangeActor;
  /** The actual state with the event applied: the caller keeps it until the next snapshot. */
  snapshot: Snapshot;
  /** The drift of that one resource now (empty: it matches the expected state). */
  findings: Finding[];
}

type Params = Record<string, unknown>;
/** The resource an event touches and what it does to it: a new version, or null when deleted. */
interface EventEffect {
  type: ResourceType;
  id(p: Params, r: Params, e: CloudTrailEvent): string | undefined;
  apply(current: Resource | undefined, p: Params, r: Params, e: CloudTrailEvent): Resource | null;
  /** The effect to use instead when `id` names nothing (one event name, two kinds of resource). */
  otherwise?: EventEffect;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Params => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {});
const items = (v: unknown): Params[] => {
  const x = obj(v).items ?? v;
  return Array.isArray(x) ? (x as Params[]) : x && typeof x === 'object' ? [x as Params] : [];
};
const lastSegment = (v: string | undefined) => v?.split(/[/:]/).pop();

function base(current: Resource | undefined, type: ResourceType, id: string, e: CloudTrailEvent, extra: Partial<Resource> = {}): Resource {
  return current ? { ...current, attributes: { ...current.attributes } } : { type, id, attributes: {}, ...extra, ...(e.awsRegion && !type.startsWith('iam.') ? { region: e.awsRegion } : {}) };
}

/** Sets attributes on the resource (created with what is known when the snapshot lacks it). */
function update(type: ResourceType, id: EventEffect['id'], attrs: (p: Params, r: Params, current: Resource | undefined, e: CloudTrailEvent) => Record<string, unknown>): EventEffect {
  return {
    type,
    id,
    apply: (current, p, r, e) => {
      const next = base(current, type, id(p, r, e)!, e);
      Object.assign(next.attributes, attrs(p, r, current, e));
      return next;
    },
  };
}

const remove = (type: ResourceType, id: EventEffect['id']): EventEffect => ({ type, id, apply: () => null });
const edit = <T>(current: Resource | undefined, field: string, change: (xs: T[]) => T[]) => change([...((current?.attributes[field] as T[] | undefined) ?? [])]);
const without = <T>(x: T) => (xs: T[]) => xs.filter((y) => y !== x);
const plus = <T>(x: T) => (xs: T[]) => (xs.includes(x) ? xs : [...xs, x]);

const userName = (p: Params) => str(p.userName);
const roleName = (p: Params) => str(p.roleName);
const bucketName = (p: Params) => str(p.bucketName);
const groupId = (p: Params, r: Params) => str(p.groupId) ?? str(r.groupId);
const trailName = (p: Params) => lastSegment(str(p.name));
const keyId = (p: Params) => lastSegment(str(p.keyId));

/** The rules of an Authorize/Revoke call, in both the ipPermissions form and the legacy flat form. */
function eventRules(p: Params): SecurityGroupRule[] {
  const perms = items(p.ipPermissions);
  const flat: Params[] = p.ipProtocol !== undefined ? [{ ipProtocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort, ipRanges: { items: p.cidrIp ? [{ cidrIp: p.cidrIp }] : [] } }] : [];
  return [...perms, ...flat].flatMap((x) =>
    normaliseRules({
      protocol: String(x.ipProtocol ?? '-1'),
      fromPort: x.fromPort as number | undefined,
      toPort: x.toPort as number | undefined,
      sources: [
        ...items(x.ipRanges).map((i) => str(i.cidrIp)),
        ...items(x.ipv6Ranges).map((i) => str(i.cidrIpv6)),
        ...items(x.groups).map((i) => str(i.groupId)),
        ...items(x.prefixListIds).map((i) => str(i.prefixListId)),
      ],
    }),
  );
}

function sgRules(direction: 'ingress' | 'egress', add: boolean): EventEffect {
  return update('ec2.security_group', groupId, (p, _r, current) => {
    const rules = eventRules(p);
    const keys = new Set(rules.map(ruleKey));
    const now = (current?.attributes[direction] as SecurityGroupRule[] | undefined) ?? [];
    return { [direction]: add ? [...now.filter((x) => !keys.has(ruleKey(x))), ...rules] : now.filter((x) => !keys.has(ruleKey(x))) };
  });
}

function eventAcl(p: Params): Grant[] | undefined {
  const canned = [p['x-amz-acl']].flat()[0];
  if (typeof canned === 'string') return cannedAcl(canned);
  const policy = obj(p.AccessControlPolicy);
  const owner = str(obj(policy.Owner).ID);
  const grants = items(obj(policy.AccessControlList).Grant);
  if (grants.length === 0) return undefined;
  return grants.map((g) => {
    const grantee = obj(g.Grantee);
    return { grantee: granteeName({ uri: str(grantee.URI), id: str(grantee.ID), email: str(grantee.EmailAddress) }, owner), permission: String(g.Permission ?? 'UNKNOWN') };
  });
}

function eventBlock(p: Params) {
  const c = obj(p.PublicAccessBlockConfiguration ?? p.publicAccessBlockConfiguration);
  const flag = (k: string) => c[k] === true || c[k] === 'true';
  return { blockPublicAcls: flag('BlockPublicAcls'), ignorePublicAcls: flag('IgnorePublicAcls'), blockPublicPolicy: flag('BlockPublicPolicy'), restrictPublicBuckets: flag('RestrictPublicBuckets') };
}

const policyOf = (v: unknown): PolicyDocument | null => (typeof v === 'string' ? parsePolicy(v) : v && typeof v === 'object' ? (v as PolicyDocument) : null);
const accountId = (_p: Params, _r: Params, e: CloudTrailEvent) => e.recipientAccountId;
export const EVENT_TABLE: Record<string, EventEffect> = {
  CreateUser: update('iam.user', userName, (_p, _r, _c, e) => ({ createdAt: e.eventTime, consoleAccess: false, mfaDevices: [], attachedPolicies: [], inlinePolicies: [], groups: [] })),
  DeleteUser: remove('iam.user', userName),
  CreateLoginProfile: update('iam.user', userName, () => ({ consoleAccess: true })),
  DeleteLoginProfile: update('iam.user', userName, () => ({ consoleAccess: false })),
  AttachUserPolicy: update('iam.user', userName, (p, _r, c) => ({ attachedPolicies: edit(c, 'attachedPolicies', plus(String(p.policyArn))) })),
  DetachUserPolicy: update('iam.user', userName, (p, _r, c) => ({ attachedPolicies: edit(c, 'attachedPolicies', without(String(p.policyArn))) })),
  PutUserPolicy: update('iam.user', userName, (p, _r, c) => ({ inlinePolicies: edit(c, 'inlinePolicies', plus(String(p.policyName))) })),
  DeleteUserPolicy: update('iam.user', userName, (p, _r, c) => ({ inlinePolicies: edit(c, 'inlinePolicies', without(String(p.policyName))) })),
  AddUserToGroup: update('iam.user', userName, (p, _r, c) => ({ groups: edit(c, 'groups', plus(String(p.groupName))) })),
  RemoveUserFromGroup: update('iam.user', userName, (p, _r, c) => ({ groups: edit(c, 'groups', without(String(p.groupName))) })),
  EnableMFADevice: update('iam.user', userName, (p, _r, c) => ({ mfaDevices: edit(c, 'mfaDevices', plus(String(p.serialNumber))) })),
  DeactivateMFADevice: update('iam.user', userName, (p, _r, c) => ({ mfaDevices: edit(c, 'mfaDevices', without(String(p.serialNumber))) })),
  CreateAccessKey: update('iam.access_key', (_p, r) => str(obj(r.accessKey).accessKeyId), (p, r, _c, e) => ({ user: str(obj(r.accessKey).userName) ?? userName(p), status: 'Active', createdAt: e.eventTime, lastUsed: null })),
  DeleteAccessKey: remove('iam.access_key', (p) => str(p.accessKeyId)),
  UpdateAccessKey: update('iam.access_key', (p) => str(p.accessKeyId), (p) => ({ status: p.status === 'Inactive' ? 'Inactive' : 'Active' })),
  CreateRole: update('iam.role', roleName, (p) => ({ path: str(p.path) ?? '/', trustPolicy: policyOf(p.assumeRolePolicyDocument) ?? { Statement: [] }, attachedPolicies: [], inlinePolicies: [] })),
  DeleteRole: remove('iam.role', roleName),
  UpdateAssumeRolePolicy: update('iam.role', roleName, (p) => ({ trustPolicy: policyOf(p.policyDocument) ?? { Statement: [] } })),
  AttachRolePolicy: update('iam.role', roleName, (p, _r, c) => ({ attachedPolicies: edit(c, 'attachedPolicies', plus(String(p.policyArn))) })),
  DetachRolePolicy: update('iam.role', roleName, (p, _r, c) => ({ attachedPolicies: edit(c, 'attachedPolicies', without(String(p.policyArn))) })),
  PutRolePolicy: update('iam.role', roleName, (p, _r, c) => ({ inlinePolicies: edit(c, 'inlinePolicies', plus(String(p.policyName))) })),
  CreateBucket: update('s3.bucket', bucketName, (p) => ({ ...(eventAcl(p) ? { acl: eventAcl(p) } : {}) })),
  DeleteBucket: remove('s3.bucket', bucketName),
  PutBucketAcl: update('s3.bucket', bucketName, (p) => (eventAcl(p) ? { acl: eventAcl(p) } : {})),
  PutBucketPolicy: update('s3.bucket', bucketName, (p) => ({ policy: policyOf(p.bucketPolicy ?? p.policy) })),
  DeleteBucketPolicy: update('s3.bucket', bucketName, () => ({ policy: null })),
  PutBucketPublicAccessBlock: update('s3.bucket', bucketName, (p) => ({ publicAccessBlock: eventBlock(p) })),
  DeleteBucketPublicAccessBlock: update('s3.bucket', bucketName, () => ({ publicAccessBlock: null })),
  PutBucketEncryption: update('s3.bucket', bucketName, (p) => ({
    encryption: str(obj(obj(obj(p.ServerSideEncryptionConfiguration).Rule).ApplyServerSideEncryptionByDefault).SSEAlgorithm) ?? null,
  })),
  DeleteBucketEncryption: update('s3.bucket', bucketName, () => ({ encryption: null })),
  PutBucketVersioning: update('s3.bucket', bucketName, (p) => ({ versioning: str(obj(p.VersioningConfiguration).Status) ?? 'Suspended' })),
  PutBucketLogging: update('s3.bucket', bucketName, (p) => {
    const l = obj(obj(p.BucketLoggingStatus).LoggingEnabled);
    return { logging: str(l.TargetBucket) ? { targetBucket: str(l.TargetBucket)!, targetPrefix: str(l.TargetPrefix) ?? '' } : null };
  }),
  PutAccountPublicAccessBlock: update('account', accountId, (p) => ({ publicAccessBlock: eventBlock(p) })),
  DeleteAccountPublicAccessBlock: update('account', accountId, () => ({ publicAccessBlock: null })),
  CreateSecurityGroup: update('ec2.security_group', groupId, (p) => ({ groupName: str(p.groupName) ?? '', vpcId: str(p.vpcId) ?? null, ingress: [], egress: [] })),
  DeleteSecurityGroup: remove('ec2.security_group', groupId),
  AuthorizeSecurityGroupIngress: sgRules('ingress', true),
  RevokeSecurityGroupIngress: sgRules('ingress', false),
  AuthorizeSecurityGroupEgress: sgRules('egress', true),
  RevokeSecurityGroupEgress: sgRules('egress', false),
  CreateTrail: update('cloudtrail.trail', trailName, (p, r, _c, e) => ({
    homeRegion: e.awsRegion,
    multiRegion: r.isMultiRegionTrail === true || p.isMultiRegionTrail === true,
    logFileValidation: r.logFileValidationEnabled === true || p.enableLogFileValidation === true,
    logging: false,
    s3Bucket: str(p.s3BucketName) ?? '',
    kmsKeyId: str(p.kmsKeyId) ?? null,
  })),
  UpdateTrail: update('cloudtrail.trail', trailName, (p) => ({
    ...(p.isMultiRegionTrail !== undefined ? { multiRegion: p.isMultiRegionTrail === true } : {}),
    ...(p.enableLogFileValidation !== undefined ? { logFileValidation: p.enableLogFileValidation === true } : {}),
    ...(p.kmsKeyId !== undefined ? { kmsKeyId: str(p.kmsKeyId) ?? null } : {}),
  })),
  StartLogging: update('cloudtrail.trail', trailName, () => ({ logging: true })),
  StopLogging: update('cloudtrail.trail', trailName, () => ({ logging: false })),
  DeleteTrail: remove('cloudtrail.trail', trailName),
  DeleteDetector: remove('guardduty.detector', (p) => str(p.detectorId)),
  UpdateDetector: update('guardduty.detector', (p) => str(p.detectorId), (p) => (p.enable === undefined ? {} : { status: p.enable === true ? 'ENABLED' : 'DISABLED' })),
  EnableKeyRotation: update('kms.key', keyId, () => ({ rotationEnabled: true })),
  DisableKeyRotation: update('kms.key', keyId, () => ({ rotationEnabled: false })),
  DisableKey: update('kms.key', keyId, () => ({ state: 'Disabled' })),
  EnableKey: update('kms.key', keyId, () => ({ state: 'Enabled' })),
  ScheduleKeyDeletion: update('kms.key', keyId, () => ({ state: 'PendingDeletion' })),
};
// S3 and S3 Control also report both blocks under these names: a bucket when one is named, else the account.
EVENT_TABLE.DeletePublicAccessBlock = { ...EVENT_TABLE.DeleteBucketPublicAccessBlock!, otherwise: EVENT_TABLE.DeleteAccountPublicAccessBlock };
EVENT_TABLE.PutPublicAccessBlock = { ...EVENT_TABLE.PutBucketPublicAccessBlock!, otherwise: EVENT_TABLE.PutAccountPublicAccessBlock };

export function actorOf(e: CloudTrailEvent): ChangeActor {
  const u = e.userIdentity ?? {};
  return {
    who: u.arn ?? u.sessionContext?.sessionIssuer?.arn ?? u.userName ?? u.principalId ?? 'unknown',
    identityType: u.type,
    accessKeyId: u.accessKeyId,
    when: e.eventTime,
    sourceIp: e.sourceIPAddress,
    region: e.awsRegion,
    eventName: e.eventName,
    eventSource: e.eventSource,
    eventId: e.eventID,
    userAgent: e.userAgent,
  };
}

/**
 * Applies one CloudTrail event to the actual state and re-evaluates the drift of the one
 * resource it touched. `snapshot` is not modified; the result carries the new one.
 */
export function driftFromCloudTrailEvent(event: CloudTrailEvent, expected: ExpectedState, snapshot: Snapshot, options: { now?: Date } = {}): EventDrift {
  const actor = actorOf(event);
  const ignore = (why: string): EventDrift => ({ ignored: why, actor, snapshot, findings: [] });
  if (event.errorCode) return ignore(`the call failed (${event.errorCode})`);
  if (event.recipientAccountId && event.recipientAccountId !== snapshot.account) return ignore(`the event is for account ${event.recipientAccountId}, not ${snapshot.account}`);
  let effect = EVENT_TABLE[event.eventName];
  if (!effect) return ignore(`${event.eventName} changes nothing vigil tracks`);
  const p = obj(event.requestParameters);
  const r = obj(event.responseElements);
  let id = effect.id(p, r, event);
  if (!id && effect.otherwise) {
    effect = effect.otherwise;
    id = effect.id(p, r, event);
  }
  if (!id) return ignore(`${event.eventName} names no resource`);
  const key = resourceKey({ type: effect.type, id });
  const current = snapshot.resources.find((x) => resourceKey(x) === key);
  const next = effect.apply(current, p, r, event);
  const resources = snapshot.resources.filter((x) => resourceKey(x) !== key);
  if (next) resources.push(next);
  const updated: Snapshot = { ...snapshot, resources };
  const region = next?.region ?? current?.region ?? event.awsRegion;
  return {
    resourceKey: key,
    resource: { type: effect.type, id, ...(region ? { region } : {}) },
    actor,
    snapshot: updated,
    findings: resourceDrift(key, expected, updated, event, options.now),
  };
}

/** The drift of one resource of `snapshot` now, each finding naming the event that changed it: who, when, from where, how. */
export function resourceDrift(key: string, expected: ExpectedState, snapshot: Snapshot, event: CloudTrailEvent, now = new Date(event.eventTime)): Finding[] {
  const actor = actorOf(event);
  return computeDrift(expected, snapshot, { now, only: new Set([key]) }).map((f) => ({
    ...f,
    description: `${f.description} (${event.eventName} by ${actor.who} at ${actor.when} from ${actor.sourceIp ?? 'an unknown address'}${actor.region ? ` in ${actor.region}` : ''})`,
    details: { ...f.details, cloudtrail: actor },
  }));
}
