/**
 * Asset context: who owns the resource or identity an alert is about, in which environment,
 * with which tags, from the declared inventory (`assets:`) and inventory snapshots (which
 * say what the resource is). An alert about a known asset carries it under `vigil.assets`.
 */
import { extname } from 'node:path';
import { loadDeclared, loadSnapshot, type Resource } from '../posture/index.js';
import type { DeclaredAsset } from '../posture/declared.js';
import type { FieldCatalog } from '../rules/fields.js';
import type { VigilEvent } from '../sources/event.js';

export interface AssetContext {
  /** The field of the event that named the asset, and its value. */
  field: string;
  value: string;
  type?: string;
  arn?: string;
  owner?: string;
  environment?: string;
  tags?: string[];
}

type Known = Omit<AssetContext, 'field' | 'value'>;

/** The fields, per source, that name the identity acting and the resources acted on. */
const ASSET_FIELDS: Record<string, string[]> = {
  aws_cloudtrail: ['ct.user', 'ct.user.arn', 'ct.request.username', 's3.bucket', 'iam.role', 'ct.request.groupname'],
  k8s_audit: ['ka.user.name', 'ka.target.namespace', 'ka.target.name'],
  okta: ['okta.actor.alternateid', 'okta.target.user.alternateid', 'okta.target.group.name', 'okta.app'],
  github: ['github.user', 'github.repo.name', 'github.org'],
  gcp_auditlog: ['gcp.user', 'gcp.resourceName', 'gcp.storage.bucket', 'gcp.iam.serviceAccount', 'gcp.projectId'],
};

/** What is known of each asset, by every name it goes by (lower case). */
export class AssetIndex {
  private readonly known = new Map<string, Known>();

  get size(): number {
    return this.known.size;
  }

  /** Reads declared inventories (YAML) and inventory snapshots (JSON), in order; later ones add to earlier ones. */
  static load(files: readonly string[]): AssetIndex {
    const index = new AssetIndex();
    for (const file of files) {
      if (extname(file) === '.json') for (const r of loadSnapshot(file).resources) index.addResource(r);
      else for (const a of loadDeclared(file).assets) index.addDeclared(a);
    }
    return index;
  }

  addResource(r: Resource): void {
    const what: Known = { type: r.type, ...(r.arn ? { arn: r.arn } : {}) };
    for (const name of [r.id, r.name, r.arn]) if (name) this.merge(name, what);
  }

  addDeclared(a: DeclaredAsset): void {
    const { id, ...what } = a;
    this.merge(id, what);
    // Whatever else that asset is called (its ARN, its name) shares what was declared.
    for (const [key, known] of this.known) if (known.arn === id || key === id.toLowerCase()) this.known.set(key, { ...known, ...what });
  }

  find(name: string): Known | undefined {
    return this.known.get(name.toLowerCase());
  }

  private merge(name: string, what: Known): void {
    const key = name.toLowerCase();
    this.known.set(key, { ...this.known.get(key), ...what });
  }
}

/** Reads the asset fields of an event and returns the known assets among them. */
export function assetsOf(index: AssetIndex, catalog: FieldCatalog, event: VigilEvent): AssetContext[] {
  const out: AssetContext[] = [];
  for (const field of ASSET_FIELDS[event.source] ?? []) {
    const extract = catalog.resolve(field, undefined)?.def.extract;
    const value = extract?.(event, undefined);
    if (typeof value !== 'string' || value === '') continue;
    const known = index.find(value);
    if (known && !out.some((a) => a.value === value)) out.push({ field, value, ...known });
  }
  return out;
}
