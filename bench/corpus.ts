/**
 * Deterministic corpora for the benchmark: Kubernetes audit events and CloudTrail records
 * whose shape and mix follow real logs (the traces and datasets in ../shared): mostly
 * read-only calls by system identities, a few percent of writes, and a small number of
 * events that fire rules. Written as JSON lines; the same seed gives the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type CorpusKind = 'k8s_audit' | 'aws_cloudtrail';

/** mulberry32: small, fast, and good enough to pick shapes. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;

function timestamp(start: number, i: number, rng: Rng): { iso: string; isoMicros: string } {
  const ms = start + i * 3 + Math.floor(rng() * 3);
  const d = new Date(ms).toISOString();
  const micros = String(Math.floor(rng() * 1000)).padStart(3, '0');
  return { iso: d.replace(/\.\d{3}Z$/, 'Z'), isoMicros: d.replace(/Z$/, `${micros}Z`) };
}

// ---- Kubernetes audit

const NODES = Array.from({ length: 12 }, (_, i) => `system:node:ip-10-0-${i}-17.ec2.internal`);
const CONTROLLERS = ['generic-garbage-collector', 'replicaset-controller', 'endpointslice-controller',
  'deployment-controller', 'namespace-controller', 'daemon-set-controller', 'coredns', 'kube-proxy'];
const READ_RESOURCES = ['pods', 'nodes', 'endpoints', 'configmaps', 'services', 'leases', 'namespaces', 'secrets',
  'deployments', 'replicasets', 'endpointslices'];
const NAMESPACES = ['default', 'kube-system', 'prod', 'staging', 'monitoring', 'ingress-nginx'];
const HUMANS = ['alice@acme.example', 'bob@acme.example', 'ci-deployer', 'admin'];

function k8sEvent(rng: Rng, i: number, start: number): object {
  const t = timestamp(start, i, rng);
  const r = rng();
  const ns = pick(rng, NAMESPACES);
  const base = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: uuid(rng),
    stage: 'ResponseComplete',
    requestReceivedTimestamp: t.isoMicros,
    stageTimestamp: t.isoMicros,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  };
  if (r < 0.9) {
    const system = rng() < 0.5;
    const username = system ? pick(rng, NODES) : `system:serviceaccount:kube-system:${pick(rng, CONTROLLERS)}`;
    const resource = pick(rng, READ_RESOURCES);
    const verb = pick(rng, ['get', 'get', 'list', 'watch']);
    const name = verb === 'get' ? `${resource.slice(0, -1)}-${hex(rng, 5)}` : undefined;
    const query = verb === 'watch'
      ? `?allowWatchBookmarks=true&resourceVersion=${Math.floor(rng() * 1e7)}&timeout=${5 + Math.floor(rng() * 5)}m${Math.floor(rng() * 60)}s&timeoutSeconds=${300 + Math.floor(rng() * 300)}&watch=true`
      : '?limit=500&resourceVersion=0';
    return {
      ...base,
      requestURI: `/api/v1/namespaces/${ns}/${resource}${name ? `/${name}` : query}`,
      verb,
      user: { username, groups: system ? ['system:nodes', 'system:authenticated'] : ['system:serviceaccounts', 'system:authenticated'] },
      sourceIPs: [`10.0.${Math.floor(rng() * 12)}.17`],
      userAgent: system ? 'kubelet/v1.30.2 (linux/amd64) kubernetes/39683505' : 'kube-controller-manager/v1.30.2 (linux/amd64)',
      objectRef: { resource, namespace: ns, ...(name ? { name } : {}), apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
    };
  }
  if (r < 0.985) {
    const resource = pick(rng, ['leases', 'endpoints', 'events', 'configmaps']);
    return {
      ...base,
      requestURI: `/apis/coordination.k8s.io/v1/namespaces/${ns}/${resource}/${resource}-${hex(rng, 4)}`,
      verb: pick(rng, ['update', 'patch', 'create']),
      user: { username: `system:serviceaccount:kube-system:${pick(rng, CONTROLLERS)}`, groups: ['system:serviceaccounts'] },
      sourceIPs: [`10.0.${Math.floor(rng() * 12)}.17`],
      userAgent: 'kube-controller-manager/v1.30.2 (linux/amd64)',
      objectRef: { resource, namespace: ns, name: `${resource}-${hex(rng, 4)}`, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
    };
  }
  const user = { username: pick(rng, HUMANS), groups: ['system:authenticated'] };
  const human = { ...base, level: 'RequestResponse', user, sourceIPs: ['203.0.113.10'], userAgent: 'kubectl/v1.30.2 (linux/amd64)' };
  const podName = `web-${hex(rng, 5)}`;
  const pod = (spec: object) => ({
    ...human,
    requestURI: `/api/v1/namespaces/${ns}/pods`,
    verb: 'create',
    objectRef: { resource: 'pods', namespace: ns, name: podName, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: ns }, spec },
    responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: podName, namespace: ns } },
  });
  const s = rng();
  if (s < 0.55) {
    return pod({ containers: [{ name: 'web', image: `registry.acme.example/web:${hex(rng, 7)}`, ports: [{ containerPort: 8080 }] }] });
  }
  if (s < 0.7) {
    return {
      ...human,
      requestURI: `/api/v1/namespaces/${ns}/pods/${podName}/exec?command=sh&container=web&stdin=true&tty=true`,
      verb: 'create',
      objectRef: { resource: 'pods', namespace: ns, name: podName, subresource: 'exec', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 101 },
    };
  }
  if (s < 0.8) return pod({ containers: [{ name: 'debug', image: 'busybox:1.36', securityContext: { privileged: true } }] });
  if (s < 0.9) {
    return pod({
      containers: [{ name: 'c', image: 'alpine:3.20', volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
      volumes: [{ name: 'host', hostPath: { path: pick(rng, ['/', '/etc', '/var/run/docker.sock', '/data']) } }],
    });
  }
  const name = `${user.username.split('@')[0]}-admin`;
  return {
    ...human,
    requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    verb: 'create',
    objectRef: { resource: 'clusterrolebindings', name, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestObject: {
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: pick(rng, ['cluster-admin', 'view', 'edit']) },
      subjects: [{ kind: 'User', name: user.username, apiGroup: 'rbac.authorization.k8s.io' }],
    },
  };
}

// ---- CloudTrail

const ACCOUNT = '111122223333';
const READS: Array<[string, string]> = [
  ['ec2.amazonaws.com', 'DescribeInstances'], ['ec2.amazonaws.com', 'DescribeRouteTables'],
  ['ec2.amazonaws.com', 'DescribeVpcs'], ['ec2.amazonaws.com', 'DescribeSubnets'],
  ['ssm.amazonaws.com', 'DescribeParameters'], ['ssm.amazonaws.com', 'GetParameter'],
  ['iam.amazonaws.com', 'GetUser'], ['iam.amazonaws.com', 'GetRole'], ['iam.amazonaws.com', 'ListAttachedRolePolicies'],
  ['kms.amazonaws.com', 'Decrypt'], ['kms.amazonaws.com', 'Encrypt'], ['s3.amazonaws.com', 'GetBucketAcl'],
  ['secretsmanager.amazonaws.com', 'GetSecretValue'], ['sts.amazonaws.com', 'AssumeRole'],
  ['rds.amazonaws.com', 'DescribeDBInstances'], ['cloudtrail.amazonaws.com', 'DescribeTrails'],
];
const WRITES: Array<[string, string]> = [
  ['ssm.amazonaws.com', 'PutParameter'], ['ssm.amazonaws.com', 'DeleteParameter'], ['ec2.amazonaws.com', 'CreateTags'],
  ['ec2.amazonaws.com', 'RunInstances'], ['s3.amazonaws.com', 'PutObject'], ['iam.amazonaws.com', 'CreateRole'],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2'], ['iam.amazonaws.com', 'PutRolePolicy'],
];
const PEOPLE = ['alice', 'bob', 'terraform', 'deployer'];
const AGENTS = ['aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22', 'Boto3/1.34.0 md/Botocore#1.34.0',
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0'];

function ctRecord(rng: Rng, i: number, start: number): object {
  const t = timestamp(start, i, rng);
  const user = pick(rng, PEOPLE);
  const assumed = rng() < 0.3;
  const identity = assumed
    ? { type: 'AssumedRole', principalId: `AROA${hex(rng, 16).toUpperCase()}:${user}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ops/${user}`, accountId: ACCOUNT, accessKeyId: `ASIA${hex(rng, 16).toUpperCase()}`, sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/ops`, userName: 'ops', accountId: ACCOUNT }, attributes: { creationDate: t.iso, mfaAuthenticated: 'false' } } }
    : { type: 'IAMUser', principalId: `AIDA${hex(rng, 16).toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, accessKeyId: `AKIA${hex(rng, 16).toUpperCase()}`, userName: user };
  const region = pick(rng, ['us-east-1', 'us-east-1', 'eu-west-1', 'us-west-2']);
  const base = (source: string, name: string, readOnly: boolean, requestParameters: object | null = null, extra: object = {}) => ({
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: t.iso,
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: `198.51.100.${Math.floor(rng() * 254) + 1}`,
    userAgent: pick(rng, AGENTS),
    requestParameters,
    responseElements: null,
    requestID: uuid(rng),
    eventID: uuid(rng),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: source },
    ...extra,
  });
  const r = rng();
  if (r < 0.78) {
    const [source, name] = pick(rng, READS);
    return base(source, name, true, { maxResults: 100 });
  }
  if (r < 0.995) {
    const [source, name] = pick(rng, WRITES);
    const failed = rng() < 0.05 ? { errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform this action' } : {};
    return base(source, name, false, { name: `/app/${hex(rng, 6)}`, overwrite: true }, failed);
  }
  const s = rng();
  if (s < 0.2) return base('cloudtrail.amazonaws.com', 'StopLogging', false, { name: `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/main` });
  if (s < 0.4) {
    return base('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', false, {
      groupId: `sg-${hex(rng, 17)}`,
      ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: pick(rng, [22, 443, 3389]), toPort: 22, ipRanges: { items: [{ cidrIp: pick(rng, ['0.0.0.0/0', '10.0.0.0/8']) }] } }] },
    });
  }
  if (s < 0.6) return base('iam.amazonaws.com', 'CreateAccessKey', false, { userName: pick(rng, PEOPLE) });
  if (s < 0.8) {
    return base('s3.amazonaws.com', 'PutBucketPolicy', false, {
      bucketName: `data-${hex(rng, 4)}`,
      bucketPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: pick(rng, ['*', { AWS: `arn:aws:iam::${ACCOUNT}:root` }]), Action: 's3:GetObject' }] },
    });
  }
  return base('iam.amazonaws.com', 'AttachUserPolicy', false, {
    userName: user,
    policyArn: pick(rng, ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess']),
  });
}

const GENERATORS: Record<CorpusKind, (rng: Rng, i: number, start: number) => object> = {
  k8s_audit: k8sEvent,
  aws_cloudtrail: ctRecord,
};

/**
 * JSON as Go's encoding/json writes it, which the Kubernetes API server uses for its audit log:
 * `<`, `>` and `&` (in URIs' queries) escaped as `\u003c`, `\u003e`, `\u0026`.
 */
const goJson = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const WRITERS: Record<CorpusKind, (value: unknown) => string> = {
  k8s_audit: goJson,
  aws_cloudtrail: (value) => JSON.stringify(value),
};

/** Writes `count` events of `kind` as JSON lines to `path`; returns the bytes written. */
export async function writeCorpus(kind: CorpusKind, count: number, path: string, seed = 1): Promise<number> {
  const rng = random(seed);
  const generate = GENERATORS[kind];
  const write = WRITERS[kind];
  const start = Date.UTC(2026, 10, 1);
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += write(generate(rng, i, start)) + '\n';
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return bytes;
}
