/**
 * Google Cloud audit log entries (the gcpaudit plugin's `gcp.*` fields): one LogEntry whose
 * protoPayload is an AuditLog. Upstream reads every field as a Go string, so the JSON objects
 * gcp.authorizationInfo, gcp.request and gcp.policyDelta are always ""; vigil gives their JSON
 * text unless `falcoBugs` is set.
 */
import { FieldCatalog } from '../../rules/fields.js';
import type { Source } from '../event.js';
import { jsonFields } from '../json/index.js';
import {
  at, eventFields, field, goString, isObject, own, timeIn, text, toFieldDefs,
  type ExtractionOptions, type PluginField,
} from '../plugin.js';

function gcpFields(exact: boolean): PluginField[] {
  const s = (p: string) => goString(p, exact);
  const label = (key: string) => s(`resource.labels.${key}`);
  return [
    field('gcp.user', 'GCP principal, actor of the action', s('protoPayload.authenticationInfo.principalEmail')),
    field('gcp.callerIP', "Actor's IP", s('protoPayload.requestMetadata.callerIp')),
    field('gcp.userAgent', "Actor's User Agent", s('protoPayload.requestMetadata.callerSuppliedUserAgent')),
    field('gcp.authorizationInfo', 'GCP authorization (JSON)', s('protoPayload.authorizationInfo')),
    field('gcp.serviceName', 'GCP API service name', s('protoPayload.serviceName')),
    field('gcp.policyDelta', 'GCP service resource access policy delta', () => {
      const bucket = s('protoPayload.serviceData.policyDelta.bindingDeltas')(undefined);
      const dataset = s('protoPayload.metadata.datasetChange.bindingDeltas')(undefined);
      return (data, event) => (at(data, ['resource', 'type']) === 'gcs_bucket' ? bucket : dataset)(data, event);
    }),
    field('gcp.request', 'GCP API raw request (JSON)', s('protoPayload.request')),
    field('gcp.methodName', 'GCP API service method executed', s('protoPayload.methodName')),
    field('gcp.cloudfunctions.function', 'GCF name', label('function_name')),
    field('gcp.cloudsql.databaseId', 'GCP SQL database ID', label('database_id')),
    field('gcp.compute.instanceId', 'GCE instance ID', label('instance_id')),
    field('gcp.compute.networkId', 'GCP network ID', label('network_id')),
    field('gcp.compute.subnetwork', 'GCP subnetwork name', label('subnetwork_name')),
    field('gcp.compute.subnetworkId', 'GCP subnetwork ID', label('subnetwork_id')),
    field('gcp.dns.zone', 'GCP DNS zone', label('zone_name')),
    field('gcp.iam.serviceAccount', 'GCP service account', label('email_id')),
    field('gcp.iam.serviceAccountId', 'GCP IAM unique ID', label('unique_id')),
    field('gcp.location', 'GCP region', () => (data) => {
      const labels = at(data, ['resource', 'labels']);
      const pick = (k: string) => (typeof own(labels, k) === 'string' ? (own(labels, k) as string) : undefined);
      const zone = pick('zone');
      return pick('location') ?? pick('region') ?? (zone !== undefined && zone.length > 2 ? zone.slice(0, -2) : undefined);
    }),
    field('gcp.logging.sink', 'GCP logging sink', () => {
      const name = label('name')(undefined);
      return (data, event) => (at(data, ['resource', 'type']) === 'logging_sink' ? name(data, event) : undefined);
    }),
    field('gcp.projectId', 'GCP project ID', label('project_id')),
    field('gcp.resourceName', 'GCP resource name', s('protoPayload.resourceName')),
    field('gcp.resourceType', 'GCP resource type', s('resource.type')),
    field('gcp.resourceLabels', 'GCP resource labels (JSON)', text('resource.labels')),
    field('gcp.storage.bucket', 'GCP bucket name', label('bucket_name')),
    field('gcp.time', 'Timestamp of the event in RFC3339 format', s('timestamp')),
  ];
}

/** A Cloud Logging entry carrying an audit log. */
export function isGcpAuditEntry(doc: unknown): boolean {
  if (!isObject(doc) || !isObject(doc.protoPayload)) return false;
  const type = doc.protoPayload['@type'];
  return type === 'type.googleapis.com/google.cloud.audit.AuditLog' ||
    (typeof doc.logName === 'string' && doc.logName.includes('cloudaudit.googleapis.com'));
}

/**
 * One entry, an array of entries (`gcloud logging read --format=json`), or a Pub/Sub message
 * carrying an entry in base64 (what the plugin's subscription receives, as a push delivery).
 */
export function frameGcp(doc: unknown): unknown[] | undefined {
  if (isGcpAuditEntry(doc)) return [doc];
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isGcpAuditEntry) ? doc : undefined;
  const data = at(doc, ['message', 'data']);
  if (typeof data !== 'string') return undefined;
  try {
    const entry: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    return isGcpAuditEntry(entry) ? [entry] : undefined;
  } catch {
    return undefined;
  }
}

export function gcpAuditSource(options: ExtractionOptions = {}): Source {
  return {
    name: 'gcp_auditlog',
    typeField: 'gcp.methodName',
    description: 'Google Cloud audit log entries: LogEntry with an AuditLog payload; fields of the gcpaudit plugin',
    catalog: new FieldCatalog('gcp_auditlog', [...toFieldDefs(gcpFields(options.falcoBugs ?? false)), ...eventFields('gcpaudit'), ...jsonFields]),
    frame: frameGcp,
    ...timeIn('timestamp'),
  };
}
