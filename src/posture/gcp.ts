import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import type { Resource } from './model.js';
import { parseJson } from './json.js';
import { newSnapshot } from './snapshot.js';
import type { Snapshot } from './model.js';

/**
 * GCP Cloud Asset Inventory exports (`gcloud asset export`, content types `resource` and
 * `iam-policy`, as JSON lines or one JSON array; snake_case or camelCase keys) into the
 * inventory model. Lines of both content types for the same asset are merged.
 */
interface Asset {
  name: string;
  assetType: string;
  data?: Record<string, unknown>;
  bindings?: Array<{ role: string; members: string[] }>;
  ancestors: string[];
}

type Mapper = (a: Asset, short: string) => Resource;

const MAPPERS: Record<string, Mapper> = {
  'cloudresourcemanager.googleapis.com/Project': (a, short) => ({
    type: 'gcp.iam_policy',
    id: `projects/${short}`,
    attributes: { bindings: a.bindings ?? [] },
  }),
  'storage.googleapis.com/Bucket': (a, short) => {
    const d = a.data ?? {};
    const iam = (d.iamConfiguration ?? {}) as Record<string, unknown>;
    const logging = d.logging as { logBucket?: string } | undefined;
    const encryption = d.encryption as { defaultKmsKeyName?: string } | undefined;
    return {
      type: 'gcp.bucket',
      id: short,
      region: typeof d.location === 'string' ? d.location.toLowerCase() : undefined,
      attributes: {
        bindings: a.bindings ?? [],
        uniformAccess: Boolean((iam.uniformBucketLevelAccess as { enabled?: boolean } | undefined)?.enabled),
        publicAccessPrevention: (iam.publicAccessPrevention as string | undefined) ?? 'inherited',
        versioning: Boolean((d.versioning as { enabled?: boolean } | undefined)?.enabled),
        logging: logging?.logBucket ? { targetBucket: logging.logBucket } : null,
        encryption: encryption?.defaultKmsKeyName ?? null,
      },
    };
  },
  'compute.googleapis.com/Firewall': (a, short) => {
    const d = a.data ?? {};
    const allowed = (d.allowed ?? []) as Array<{ IPProtocol?: string; ipProtocol?: string; ports?: string[] }>;
    return {
      type: 'gcp.firewall',
      id: short,
      attributes: {
        network: String(d.network ?? '').split('/').pop() ?? '',
        direction: d.direction === 'EGRESS' ? 'EGRESS' : 'INGRESS',
        disabled: Boolean(d.disabled),
        sourceRanges: (d.sourceRanges as string[] | undefined) ?? [],
        allowed: allowed.map((x) => ({ protocol: x.IPProtocol ?? x.ipProtocol ?? 'all', ports: x.ports ?? [] })),
      },
    };
  },
  'iam.googleapis.com/ServiceAccount': (a, short) => ({
    type: 'gcp.service_account',
    id: String(a.data?.email ?? short),
    attributes: { email: String(a.data?.email ?? short), disabled: Boolean(a.data?.disabled) },
  }),
  'iam.googleapis.com/ServiceAccountKey': (a, short) => {
    const parts = a.name.split('/');
    return {
      type: 'gcp.service_account_key',
      id: short,
      attributes: {
        serviceAccount: parts[parts.indexOf('serviceAccounts') + 1] ?? '',
        keyType: String(a.data?.keyType ?? 'USER_MANAGED'),
        validAfter: String(a.data?.validAfterTime ?? ''),
        disabled: Boolean(a.data?.disabled),
      },
    };
  },
};

export function importGcpAssets(file: string, options: { project?: string; now?: Date } = {}): Snapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read asset export: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const raw = readAssets(text, file);
  const merged = new Map<string, Asset>();
  for (const a of raw) {
    const prev = merged.get(a.name);
    merged.set(a.name, prev ? { ...prev, data: prev.data ?? a.data, bindings: prev.bindings ?? a.bindings } : a);
  }
  const resources: Resource[] = [];
  let project = options.project;
  for (const a of merged.values()) {
    const map = MAPPERS[a.assetType];
    if (!map) continue;
    const short = a.name.split('/').pop()!;
    if (!project && a.assetType === 'cloudresourcemanager.googleapis.com/Project') project = short;
    resources.push(map(a, short));
  }
  project ??= merged.values().next().value?.ancestors.find((x) => x.startsWith('projects/'))?.slice(9);
  const regions = [...new Set(resources.map((r) => r.region).filter((r): r is string => !!r))].sort();
  return newSnapshot(
    { provider: 'gcp', account: project ?? 'unknown', collectedAt: (options.now ?? new Date()).toISOString(), regions, source: 'gcp-cai' },
    resources,
  );
}

function readAssets(text: string, file: string): Asset[] {
  const trimmed = text.trimStart();
  const values: Array<{ value: unknown; at: (p: Array<string | number>) => string }> = [];
  if (trimmed.startsWith('[')) {
    const json = parseJson(text, file, 'asset export');
    if (!Array.isArray(json.value)) throw new UserError(`${file}: asset export must be JSON lines or an array`);
    json.value.forEach((v, i) => values.push({ value: v, at: (p) => json.at([i, ...p]) }));
  } else {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const json = parseJson(line, file, 'asset export line', i + 1);
      values.push({ value: json.value, at: json.at });
    });
  }
  return values.map(({ value, at }) => {
    const v = value as Record<string, unknown>;
    const name = v.name;
    const assetType = v.asset_type ?? v.assetType;
    if (typeof name !== 'string' || typeof assetType !== 'string') {
      throw new UserError(`${at([])}: asset needs "name" and "asset_type"`);
    }
    const resource = v.resource as { data?: Record<string, unknown> } | undefined;
    const policy = (v.iam_policy ?? v.iamPolicy) as { bindings?: Asset['bindings'] } | undefined;
    return {
      name,
      assetType,
      data: resource?.data,
      bindings: policy?.bindings,
      ancestors: (v.ancestors as string[] | undefined) ?? [],
    };
  });
}
