/**
 * AWS CloudTrail records (the cloudtrail plugin's `ct.*`, `s3.*`, `ec2.*`, `ecr.*`, `iam.*`
 * fields). Upstream reads most fields as Go strings: a JSON string is returned raw and any other
 * present value as "". vigil returns compact JSON for those instead, unless `falcoBugs` is set.
 */
import { FieldCatalog, type FieldValue } from '../../rules/fields.js';
import type { Source } from '../event.js';
import { jsonFields } from '../json/index.js';
import {
  at, eventFields, field, goString, indexArg, isObject, own, path, timeIn, text, toFieldDefs,
  type Binder, type ExtractionOptions, type PluginField,
} from '../plugin.js';

const uint64 = { type: 'uint64' } as const;

/** A string, or undefined: how upstream reads strings it needs for its own logic. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** "true" for a JSON true, "false" for any other present value. */
function flag(p: string, alsoString = false): Binder {
  const keys = path(p);
  return () => (data) => {
    const v = at(data, keys);
    if (v === undefined) return undefined;
    return v === true || (alsoString && v === 'true') ? 'true' : 'false';
  };
}

function user(data: unknown): string | undefined {
  const id = own(data, 'userIdentity');
  switch (str(own(id, 'type'))) {
    case 'Root':
    case 'IAMUser':
      return str(own(id, 'userName'));
    case 'AWSService':
      return str(own(id, 'invokedBy'));
    case 'AssumedRole':
      return str(at(id, ['sessionContext', 'sessionIssuer', 'userName'])) ?? 'AssumedRole';
    case 'AWSAccount':
      return 'AWSAccount';
    case 'FederatedUser':
      return 'FederatedUser';
    default:
      return undefined;
  }
}

function originalUser(data: unknown): string | undefined {
  const id = own(data, 'userIdentity');
  if (str(own(id, 'type')) !== 'AssumedRole') return str(own(id, 'userName'));
  const arn = str(own(id, 'arn'))?.split('/');
  if (arn?.length === 3) return arn[2];
  const principal = str(own(id, 'principalId'))?.split(':');
  return principal?.length === 2 ? principal[1] : undefined;
}

/** An unsigned number as upstream reads it: integers, or floats truncated. */
function u64(v: unknown): number | undefined {
  return typeof v === 'number' && v >= 0 ? Math.trunc(v) : undefined;
}

function bytes(data: unknown): number | undefined {
  const extra = own(data, 'additionalEventData');
  const i = u64(own(extra, 'bytesTransferredIn'));
  const o = u64(own(extra, 'bytesTransferredOut'));
  return i === undefined && o === undefined ? undefined : (i ?? 0) + (o ?? 0);
}

function s3Uri(data: unknown): string | undefined {
  const req = own(data, 'requestParameters');
  const bucket = str(own(req, 'bucketName'));
  const key = str(own(req, 'key'));
  return bucket !== undefined && key !== undefined ? `s3://${bucket}/${key}` : undefined;
}

/** Counts an S3 operation: 1 for the events it covers, absent for the others. */
function count(covers: (name: string) => boolean): Binder {
  return () => (data) => {
    const name = str(own(data, 'eventName'));
    return name !== undefined && covers(name) ? 1 : undefined;
  };
}
const IO = new Set(['GetObject', 'PutObject']);

function info(data: unknown): string {
  const who = user(data);
  if (who === undefined) return '<invalid cloudtrail event: userIdentity field missing>';
  const where = str(own(data, 'sourceIPAddress'));
  if (where === undefined) return '<invalid cloudtrail event: sourceIPAddress field missing>';
  const name = str(own(data, 'eventName'));
  if (name === undefined) return '<invalid cloudtrail event: eventName field missing>';
  const err = own(data, 'errorCode') !== undefined ? '!' : '';
  const rw = own(data, 'readOnly') !== undefined && own(data, 'readOnly') !== true ? '→' : '←';
  let out = `${who}${who === where ? '' : ` via ${where}`} ${err}${rw} ${name}`;
  if (name === 'PutBucketPublicAccessBlock') {
    const c = at(data, ['requestParameters', 'PublicAccessBlockConfiguration']);
    if (isObject(c)) {
      const b = (k: string) => String(c[k] === true);
      out += ` BlockPublicAcls=${b('BlockPublicAcls')} BlockPublicPolicy=${b('BlockPublicPolicy')}` +
        ` IgnorePublicAcls=${b('IgnorePublicAcls')} RestrictPublicBuckets=${b('RestrictPublicBuckets')} `;
    }
    return out;
  }
  const size = bytes(data);
  if (size !== undefined) out += ` Size=${size}`;
  const req = own(data, 'requestParameters');
  const uri = s3Uri(data);
  if (uri !== undefined) return `${out} URI=${uri}`;
  for (const [label, key] of [['Bucket', 'bucketName'], ['Key', 'key'], ['Host', 'Host']] as const) {
    const v = own(req, key);
    if (v !== undefined) return `${out} ${label}=${typeof v === 'string' ? v : ''}`;
  }
  return out;
}

/** Value of the tag "Name" of the instances a RunInstances request tags. */
function ec2Name(data: unknown): string | undefined {
  const items = at(data, ['requestParameters', 'tagSpecificationSet', 'items']);
  if (!Array.isArray(items)) return undefined;
  let name: string | undefined;
  for (const item of items) {
    if (own(item, 'resourceType') !== 'instance') continue;
    const tags = own(item, 'tags');
    if (!Array.isArray(tags)) continue;
    for (const t of tags) if (own(t, 'key') === 'Name' && typeof own(t, 'value') === 'string') name = own(t, 'value') as string;
  }
  return name || undefined;
}

const IMAGE_IN_REQUEST = [
  ['requestParameters', 'imageId'],
  ['requestParameters', 'DescribeFastLaunchImagesRequest', 'ImageId', 'content'],
  ['requestParameters', 'launchSpecification', 'imageId'],
];

const imageIds: Binder = (arg) => {
  const index = indexArg(arg);
  return (data): FieldValue => {
    const items = at(data, ['responseElements', 'instancesSet', 'items']);
    if (Array.isArray(items)) {
      const chosen = index === undefined ? items : index < items.length ? [items[index]] : [];
      const ids = chosen.map((i) => str(own(i, 'imageId'))).filter((id): id is string => !!id);
      return ids.length > 0 ? ids : undefined;
    }
    if (index !== undefined && index !== 0) return undefined;
    for (const p of IMAGE_IN_REQUEST) {
      const id = str(at(data, p));
      if (id) return [id];
    }
    return undefined;
  };
};

function cloudtrailFields(exact: boolean): PluginField[] {
  const s = (p: string) => goString(p, exact);
  /** Objects upstream reads as strings: "" when present, or (fixed) their JSON text. */
  const object = (p: string) => (exact ? goString(p, true) : text(p));
  return [
    field('ct.id', 'the unique ID of the cloudtrail event (eventID in the json).', s('eventID')),
    field('ct.error', 'The error code from the event. Will be "<NA>" (e.g. the NULL/empty/none value) if there was no error.', s('errorCode')),
    field('ct.errormessage', 'The description of an error. Will be "<NA>" (e.g. the NULL/empty/none value) if there was no error.', s('errorMessage')),
    field('ct.time', 'the timestamp of the cloudtrail event (eventTime in the json).', s('eventTime')),
    field('ct.src', 'the source of the cloudtrail event (eventSource in the json).', s('eventSource')),
    field('ct.shortsrc', "the source of the cloudtrail event (eventSource in the json, without the '.amazonaws.com' trailer).", () => {
      const src = s('eventSource')(undefined);
      const trailer = '.amazonaws.com';
      return (data, event) => {
        const v = src(data, event) as string | undefined;
        return v !== undefined && v.length > trailer.length && v.endsWith(trailer) ? v.slice(0, -trailer.length) : v;
      };
    }),
    field('ct.name', 'the name of the cloudtrail event (eventName in the json).', s('eventName')),
    field('ct.user', 'the user of the cloudtrail event (userIdentity.userName in the json). For AssumedRole events, this is the role name from sessionContext.sessionIssuer.userName.', () => user),
    field('ct.originaluser', 'the user name as seen in CloudTrail. For AssumedRole events, this is the session name extracted from userIdentity.arn or userIdentity.principalId. For all other identity types, this is userIdentity.userName.', () => originalUser),
    field('ct.user.accountid', 'the account id of the user of the cloudtrail event.', () => (data) =>
      str(at(data, ['userIdentity', 'accountId'])) ?? str(own(data, 'recipientAccountId'))),
    field('ct.user.identitytype', 'the kind of user identity (e.g. Root, IAMUser,AWSService, etc.)', s('userIdentity.type')),
    field('ct.user.principalid', 'A unique identifier for the user that made the request.', s('userIdentity.principalId')),
    field('ct.user.arn', 'the Amazon Resource Name (ARN) of the user that made the request.', s('userIdentity.arn')),
    field('ct.region', 'the region of the cloudtrail event (awsRegion in the json).', s('awsRegion')),
    field('ct.response.subnetid', 'the subnet ID included in the response.', s('responseElements.subnetId')),
    field('ct.response.reservationid', 'the reservation ID included in the response.', s('responseElements.reservationId')),
    field('ct.response', 'All response elements.', text('responseElements')),
    field('ct.request.availabilityzone', 'the availability zone included in the request.', s('requestParameters.availabilityZone')),
    field('ct.request.cluster', 'the cluster included in the request.', s('requestParameters.cluster')),
    field('ct.request.functionname', 'the function name included in the request.', s('requestParameters.functionName')),
    field('ct.request.groupname', 'the group name included in the request.', s('requestParameters.groupName')),
    field('ct.request.host', 'the host included in the request', s('requestParameters.Host')),
    field('ct.request.name', 'the name of the entity being acted on in the request.', s('requestParameters.name')),
    field('ct.request.policy', 'the policy included in the request', s('requestParameters.policy')),
    field('ct.request.reason', 'the reason included in the request.', s('requestParameters.reason')),
    field('ct.request.target', 'the target included in the request.', s('requestParameters.target')),
    // Upstream declares this field but extracts it under another spelling, so it never has a value.
    field('ct.request.documentname', 'the document name included in the request.', exact ? () => () => undefined : s('requestParameters.documentName')),
    field('ct.request.serialnumber', 'the serial number provided in the request.', s('requestParameters.serialNumber')),
    field('ct.request.servicename', 'the service name provided in the request.', s('requestParameters.serviceName')),
    field('ct.request.subnetid', 'the subnet ID provided in the request.', s('requestParameters.subnetId')),
    field('ct.request.taskdefinition', 'the task definition prrovided in the request.', s('requestParameters.taskDefinition')),
    field('ct.request.username', 'the username provided in the request.', s('requestParameters.userName')),
    field('ct.request', 'All request parameters.', text('requestParameters')),
    field('ct.srcip', 'the IP address generating the event (sourceIPAddress in the json).', s('sourceIPAddress')),
    field('ct.useragent', 'the user agent generating the event (userAgent in the json).', s('userAgent')),
    field('ct.info', 'summary information about the event. This varies depending on the event type and, for some events, it contains event-specific details.', () => info),
    field('ct.managementevent', "'true' if the event is a management event (AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, or AwsServiceEvent), 'false' otherwise.", flag('managementEvent')),
    field('ct.readonly', "'true' if the event only reads information (e.g. DescribeInstances), 'false' if the event modifies the state (e.g. RunInstances, CreateLoadBalancer...).", flag('readOnly')),
    field('ct.requestid', 'The value that identifies the request.', s('requestID')),
    field('ct.eventtype', 'Identifies the type of event that generated the event record.', s('eventType')),
    field('ct.apiversion', 'The API version associated with the AwsApiCall eventType value.', s('apiVersion')),
    field('ct.resources', 'A list of resources accessed in the event.', () => (data) => {
      const r = own(data, 'resources');
      return Array.isArray(r) && r.length > 0 ? r.map((x) => JSON.stringify(x)).join(',') : undefined;
    }),
    field('ct.recipientaccountid', 'The account ID that received this event.', s('recipientAccountId')),
    field('ct.serviceeventdetails', 'Identifies the service event, including what triggered the event and the result.', object('serviceEventDetails')),
    field('ct.sharedeventid', 'GUID generated by CloudTrail to uniquely identify CloudTrail events.', s('sharedEventID')),
    field('ct.vpcendpointid', 'Identifies the VPC endpoint in which requests were made.', s('vpcEndpointId')),
    field('ct.eventcategory', 'Shows the event category that is used in LookupEvents calls.', s('eventCategory')),
    field('ct.addendum.reason', 'The reason that the event or some of its contents were missing.', s('addendum.reason')),
    field('ct.addendum.updatedfields', 'The event record fields that are updated by the addendum.', object('addendum.updatedFields')),
    field('ct.addendum.originalrequestid', 'The original unique ID of the request.', s('addendum.originalRequestID')),
    field('ct.addendum.originaleventid', 'The original event ID.', s('addendum.originalEventID')),
    // CloudTrail writes this flag as the string "true"; upstream only accepts a JSON true.
    field('ct.sessioncredentialfromconsole', 'Shows whether or not an event originated from an AWS Management Console session.', flag('sessionCredentialFromConsole', !exact)),
    field('ct.edgedevicedetails', 'Information about edge devices that are targets of a request.', object('edgeDeviceDetails')),
    field('ct.tlsdetails.tlsversion', 'The TLS version of a request.', s('tlsDetails.tlsVersion')),
    field('ct.tlsdetails.ciphersuite', 'The cipher suite (combination of security algorithms used) of a request.', s('tlsDetails.cipherSuite')),
    field('ct.tlsdetails.clientprovidedhostheader', 'The client-provided host name used in the service API call.', s('tlsDetails.clientProvidedHostHeader')),
    field('ct.additionaleventdata', 'All additional event data attributes.', text('additionalEventData')),
    field('s3.uri', 'the s3 URI (s3://<bucket>/<key>).', () => s3Uri),
    field('s3.bucket', 'the bucket name for s3 events.', s('requestParameters.bucketName')),
    field('s3.key', 'the S3 key name.', s('requestParameters.key')),
    field('s3.bytes', 'the size of an s3 download or upload, in bytes.', () => bytes, uint64),
    field('s3.bytes.in', 'the size of an s3 upload, in bytes.', () => (data) => u64(at(data, ['additionalEventData', 'bytesTransferredIn'])), uint64),
    field('s3.bytes.out', 'the size of an s3 download, in bytes.', () => (data) => u64(at(data, ['additionalEventData', 'bytesTransferredOut'])), uint64),
    field('s3.cnt.get', 'the number of get operations. This field is 1 for GetObject events, 0 otherwise.', count((n) => n === 'GetObject'), uint64),
    field('s3.cnt.put', 'the number of put operations. This field is 1 for PutObject events, 0 otherwise.', count((n) => n === 'PutObject'), uint64),
    field('s3.cnt.other', 'the number of non I/O operations. This field is 0 for GetObject and PutObject events, 1 for all the other events.', count((n) => !IO.has(n)), uint64),
    field('ec2.name', 'the name of the ec2 instances, typically stored in the instance tags.', () => ec2Name),
    field('ec2.imageid', '(Deprecated) the ID for the image used to run the ec2 instance in the response. Replace with ec2.imageids[0].', () => {
      const first = imageIds('0');
      return (data, event) => (first(data, event) as string[] | undefined)?.[0];
    }),
    field('ec2.imageids', 'the list of image IDs for the ec2 instances involved.', imageIds, { list: true, arg: 'optional', argKind: 'index' }),
    field('ecr.repository', 'the name of the ecr Repository specified in the request.', s('requestParameters.repositoryName')),
    field('ecr.imagetag', 'the tag of the image specified in the request.', s('requestParameters.imageTag')),
    field('iam.role', 'the IAM role specified in the request.', s('requestParameters.roleName')),
    field('iam.policy', 'the IAM policy specified in the request.', s('requestParameters.policyName')),
  ];
}

/** A CloudTrail record: what every record has, whatever the service. */
export function isCloudTrailRecord(doc: unknown): boolean {
  return isObject(doc) && typeof doc.eventVersion === 'string' && typeof doc.eventName === 'string' &&
    typeof doc.eventSource === 'string';
}

/**
 * A CloudTrail file `{"Records": [...]}`, one record, an array of records, or an EventBridge
 * event carrying a record in `detail` ("AWS API Call via CloudTrail" and the like).
 */
export function frameCloudTrail(doc: unknown): unknown[] | undefined {
  const records = own(doc, 'Records');
  if (Array.isArray(records)) return records;
  if (isCloudTrailRecord(doc)) return [doc];
  const detail = own(doc, 'detail');
  if (typeof own(doc, 'detail-type') === 'string' && isCloudTrailRecord(detail)) return [detail];
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isCloudTrailRecord)) return doc;
  return undefined;
}

/**
 * Sysdig Secure's names for CloudTrail fields (`aws.eventName`, …), which rules written for
 * it use (the seed's ECS ExecuteCommand rule among them): each reads as its ct.* twin.
 */
const SYSDIG_ALIASES: Record<string, string> = {
  'aws.eventSource': 'ct.src',
  'aws.eventName': 'ct.name',
  'aws.eventID': 'ct.id',
  'aws.user': 'ct.user',
  'aws.accountId': 'ct.user.accountid',
  'aws.sourceIP': 'ct.srcip',
  'aws.region': 'ct.region',
  'aws.userAgent': 'ct.useragent',
  'aws.errorCode': 'ct.error',
  'aws.errorMessage': 'ct.errormessage',
  'aws.requestID': 'ct.requestid',
};

function sysdigAliases(fields: PluginField[]): PluginField[] {
  return Object.entries(SYSDIG_ALIASES).map(([alias, target]) => {
    const twin = fields.find((f) => f.name === target)!;
    return { ...twin, name: alias, description: `Alias of ${target} (Sysdig Secure's name). ${twin.description}` };
  });
}

export function cloudtrailSource(options: ExtractionOptions = {}): Source {
  const pluginFields = cloudtrailFields(options.falcoBugs ?? false);
  const fields = [...pluginFields, ...sysdigAliases(pluginFields)];
  return {
    name: 'aws_cloudtrail',
    typeField: 'ct.name',
    typeKey: 'eventName',
    description: 'AWS CloudTrail records: log files, single records, EventBridge events; fields of the cloudtrail plugin',
    catalog: new FieldCatalog('aws_cloudtrail', [...toFieldDefs(fields), ...eventFields('cloudtrail', fields.find((f) => f.name === 'ct.info')), ...jsonFields]),
    frame: frameCloudTrail,
    ...timeIn('eventTime'),
  };
}

