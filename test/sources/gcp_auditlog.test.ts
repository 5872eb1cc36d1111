/**
 * Cloud Audit Logs entries built by hand in the LogEntry/AuditLog shape Google documents (and
 * that the gcpaudit plugin's field file describes): there is no public GCP log corpus in ../shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSource, findSource, sourceWith } from '../../src/sources/index.js';
import { holds, value } from './helpers.js';

const gcp = findSource('gcp_auditlog')!;
const exact = sourceWith('gcp_auditlog', { falcoBugs: true })!;

const setIamPolicy = {
  protoPayload: {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    status: {},
    authenticationInfo: { principalEmail: 'mallory@example.com' },
    requestMetadata: { callerIp: '198.51.100.4', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/450.0.0', requestAttributes: {}, destinationAttributes: {} },
    serviceName: 'storage.googleapis.com',
    methodName: 'storage.setIamPermissions',
    authorizationInfo: [{ resource: 'projects/_/buckets/acme-logs', permission: 'storage.buckets.setIamPolicy', granted: true, resourceAttributes: {} }],
    resourceName: 'projects/_/buckets/acme-logs',
    serviceData: {
      '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
      policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/storage.objectViewer', member: 'allUsers' }] },
    },
    request: { resource: 'acme-logs', policy: { bindings: [{ role: 'roles/storage.objectViewer', members: ['allUsers'] }] }, '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest' },
    resourceLocation: { currentLocations: ['us'] },
  },
  insertId: '1q2w3e4r',
  resource: { type: 'gcs_bucket', labels: { bucket_name: 'acme-logs', project_id: 'acme-prod', location: 'us' } },
  timestamp: '2024-05-02T10:11:12.345678Z',
  severity: 'NOTICE',
  logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
  receiveTimestamp: '2024-05-02T10:11:13.1Z',
};

const createKey = {
  protoPayload: {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    authenticationInfo: { principalEmail: 'ci@acme-prod.iam.gserviceaccount.com' },
    requestMetadata: { callerIp: '2001:db8::1' },
    serviceName: 'iam.googleapis.com',
    methodName: 'google.iam.admin.v1.CreateServiceAccountKey',
    resourceName: 'projects/-/serviceAccounts/123456789',
    request: { name: 'projects/-/serviceAccounts/deployer@acme-prod.iam.gserviceaccount.com', private_key_type: 2 },
  },
  resource: { type: 'service_account', labels: { email_id: 'deployer@acme-prod.iam.gserviceaccount.com', unique_id: '123456789', project_id: 'acme-prod' } },
  timestamp: '2024-05-02T10:15:00Z',
  logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
};

test('a bucket made public: principal, caller, method, resource, policy delta', () => {
  assert.equal(detectSource(setIamPolicy), 'gcp_auditlog');
  assert.deepEqual(gcp.frame(setIamPolicy), [setIamPolicy]);
  assert.equal(gcp.time!(setIamPolicy), 1714644672345678000n);
  const v = (f: string) => value(gcp, setIamPolicy, f);
  assert.equal(v('gcp.user'), 'mallory@example.com');
  assert.equal(v('gcp.callerIP'), '198.51.100.4');
  assert.equal(v('gcp.userAgent'), 'google-cloud-sdk gcloud/450.0.0');
  assert.equal(v('gcp.serviceName'), 'storage.googleapis.com');
  assert.equal(v('gcp.methodName'), 'storage.setIamPermissions');
  assert.equal(v('gcp.resourceName'), 'projects/_/buckets/acme-logs');
  assert.equal(v('gcp.resourceType'), 'gcs_bucket');
  assert.equal(v('gcp.storage.bucket'), 'acme-logs');
  assert.equal(v('gcp.projectId'), 'acme-prod');
  assert.equal(v('gcp.location'), 'us');
  assert.equal(v('gcp.time'), '2024-05-02T10:11:12.345678Z');
  assert.equal(v('gcp.resourceLabels'), '{"bucket_name":"acme-logs","project_id":"acme-prod","location":"us"}');
  assert.equal(v('gcp.policyDelta'), '[{"action":"ADD","role":"roles/storage.objectViewer","member":"allUsers"}]');
  assert.equal(v('gcp.authorizationInfo'), JSON.stringify(setIamPolicy.protoPayload.authorizationInfo));
  assert.equal(v('gcp.request'), JSON.stringify(setIamPolicy.protoPayload.request));
  for (const absent of ['gcp.logging.sink', 'gcp.compute.instanceId', 'gcp.iam.serviceAccount', 'gcp.dns.zone', 'gcp.cloudsql.databaseId', 'gcp.cloudfunctions.function']) {
    assert.equal(v(absent), undefined, absent);
  }
  const rule = 'gcp.methodName=storage.setIamPermissions and gcp.policyDelta contains allUsers';
  assert.equal(holds(gcp, rule, setIamPolicy), true);
  // Upstream reads these JSON values as strings: present but empty, so the rule can never match.
  assert.equal(value(exact, setIamPolicy, 'gcp.policyDelta'), '');
  assert.equal(value(exact, setIamPolicy, 'gcp.authorizationInfo'), '');
  assert.equal(value(exact, setIamPolicy, 'gcp.request'), '');
  assert.equal(holds(exact, rule, setIamPolicy), false);
  assert.equal(holds(exact, 'gcp.policyDelta exists', setIamPolicy), true);
});

test('a service account key created; dataset policy deltas; locations from regions and zones; sinks', () => {
  const v = (f: string) => value(gcp, createKey, f);
  assert.equal(v('gcp.iam.serviceAccount'), 'deployer@acme-prod.iam.gserviceaccount.com');
  assert.equal(v('gcp.iam.serviceAccountId'), '123456789');
  assert.equal(v('gcp.callerIP'), '2001:db8::1');
  assert.equal(v('gcp.policyDelta'), undefined); // not a bucket, no datasetChange
  assert.equal(v('gcp.authorizationInfo'), undefined);
  assert.equal(v('gcp.location'), undefined);
  assert.equal(holds(gcp, 'gcp.methodName endswith CreateServiceAccountKey and gcp.user contains gserviceaccount', createKey), true);
  assert.equal(holds(gcp, 'json.value[/protoPayload/request/private_key_type] = 2', createKey), true);

  const dataset = { ...createKey, resource: { type: 'bigquery_dataset', labels: { region: 'europe-west1' } },
    protoPayload: { ...createKey.protoPayload, metadata: { datasetChange: { bindingDeltas: [{ action: 'ADD', role: 'roles/bigquery.dataOwner', member: 'user:x@y.z' }] } } } };
  assert.equal(value(gcp, dataset, 'gcp.policyDelta'), '[{"action":"ADD","role":"roles/bigquery.dataOwner","member":"user:x@y.z"}]');
  assert.equal(value(gcp, dataset, 'gcp.location'), 'europe-west1');
  const vm = { ...createKey, resource: { type: 'gce_instance', labels: { zone: 'us-central1-a', instance_id: '42' } } };
  assert.equal(value(gcp, vm, 'gcp.location'), 'us-central1');
  assert.equal(value(gcp, vm, 'gcp.compute.instanceId'), '42');
  const sink = { ...createKey, resource: { type: 'logging_sink', labels: { name: 'to-siem' } } };
  assert.equal(value(gcp, sink, 'gcp.logging.sink'), 'to-siem');
  assert.equal(value(gcp, { ...sink, resource: { type: 'gcs_bucket', labels: { name: 'x' } } }, 'gcp.logging.sink'), undefined);
  // A label that is not a string: its JSON text, or "" as upstream reads it.
  const numeric = { ...createKey, resource: { type: 'gce_instance', labels: { instance_id: 42 } } };
  assert.equal(value(gcp, numeric, 'gcp.compute.instanceId'), '42');
  assert.equal(value(exact, numeric, 'gcp.compute.instanceId'), '');
});

test('framing: entries and arrays of entries; other JSON is not an audit entry', () => {
  assert.deepEqual(gcp.frame([setIamPolicy, createKey]), [setIamPolicy, createKey]);
  assert.equal(gcp.frame({ protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.Other' } }), undefined);
  assert.equal(detectSource([setIamPolicy, createKey]), 'gcp_auditlog');
  // A Pub/Sub push delivery carries the entry in base64.
  const push = { message: { data: Buffer.from(JSON.stringify(createKey)).toString('base64'), messageId: '1' }, subscription: 'projects/p/subscriptions/s' };
  assert.deepEqual(gcp.frame(push), [createKey]);
  assert.equal(detectSource(push), 'gcp_auditlog');
  assert.equal(gcp.frame({ message: { data: Buffer.from('{"hello":1}').toString('base64') } }), undefined);
});
