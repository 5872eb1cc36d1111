/**
 * The declared inventory (the CMDB of seed 003): what infrastructure as code does not
 * describe but is meant to be there. YAML, validated with errors at file:line:column.
 *
 *   version: 1
 *   trustedAccounts: ["444455556666", {id: "777788889999", name: vendor}]
 *   iam: { users: [break-glass], roles: [OrganizationAccountAccessRole] }
 *   buckets: { public: [acme-www], allowed: [scratch] }
 *   assets:                      # context alerts carry (vigil serve --assets)
 *     - { id: acme-data, owner: data-team, environment: prod, tags: [pii] }
 *     - { id: alice@acme.example, owner: platform }
 */
import { readFileSync } from 'node:fs';
import { parseDocument, isNode } from 'yaml';
import { UserError, formatPosition, positionAt } from '../util/errors.js';
import { validator } from './validate.js';

export interface DeclaredInventory {
  trustedAccounts: Array<{ id: string; name?: string }>;
  users: string[];
  roles: string[];
  accessKeys: string[];
  publicBuckets: string[];
  allowedBuckets: string[];
  /** Who owns what: any resource or identity by name, ARN or e-mail. */
  assets: DeclaredAsset[];
}

export interface DeclaredAsset {
  id: string;
  owner?: string;
  environment?: string;
  tags?: string[];
}

export const EMPTY_DECLARED: DeclaredInventory = {
  trustedAccounts: [],
  users: [],
  roles: [],
  accessKeys: [],
  publicBuckets: [],
  allowedBuckets: [],
  assets: [],
};

interface DeclaredFile {
  version: 1;
  trustedAccounts?: Array<string | { id: string; name?: string }>;
  iam?: { users?: string[]; roles?: string[]; accessKeys?: string[] };
  buckets?: { public?: string[]; allowed?: string[] };
  assets?: DeclaredAsset[];
}

const names = { type: 'array', items: { type: 'string', minLength: 1 } };
const account = { type: 'string', pattern: '^\\d{12}$' };
const check = validator<DeclaredFile>(
  {
    type: 'object',
    required: ['version'],
    additionalProperties: false,
    properties: {
      version: { const: 1 },
      trustedAccounts: {
        type: 'array',
        items: {
          anyOf: [account, { type: 'object', required: ['id'], additionalProperties: false, properties: { id: account, name: { type: 'string' } } }],
        },
      },
      iam: { type: 'object', additionalProperties: false, properties: { users: names, roles: names, accessKeys: names } },
      buckets: { type: 'object', additionalProperties: false, properties: { public: names, allowed: names } },
      assets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: { id: { type: 'string', minLength: 1 }, owner: { type: 'string' }, environment: { type: 'string' }, tags: names },
        },
      },
    },
  },
  'declared inventory',
);

export function loadDeclared(file: string): DeclaredInventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read declared inventory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseDeclared(text, file);
}

export function parseDeclared(text: string, file = '<declared>'): DeclaredInventory {
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) throw new UserError(`${formatPosition(positionAt(text, err.pos[0], file))}: ${err.message.split('\n')[0]}`);
  const at = (path: Array<string | number>) => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
      if (isNode(node) && node.range) return formatPosition(positionAt(text, node.range[0], file));
      if (p.length === 0) return file;
    }
  };
  const d = check(doc.toJS(), at);
  return {
    trustedAccounts: (d.trustedAccounts ?? []).map((a) => (typeof a === 'string' ? { id: a } : a)),
    users: d.iam?.users ?? [],
    roles: d.iam?.roles ?? [],
    accessKeys: d.iam?.accessKeys ?? [],
    publicBuckets: d.buckets?.public ?? [],
    allowedBuckets: d.buckets?.allowed ?? [],
    assets: d.assets ?? [],
  };
}

export function mergeDeclared(a: DeclaredInventory, b: DeclaredInventory): DeclaredInventory {
  return {
    trustedAccounts: [...a.trustedAccounts, ...b.trustedAccounts],
    users: [...a.users, ...b.users],
    roles: [...a.roles, ...b.roles],
    accessKeys: [...a.accessKeys, ...b.accessKeys],
    publicBuckets: [...a.publicBuckets, ...b.publicBuckets],
    allowedBuckets: [...a.allowedBuckets, ...b.allowedBuckets],
    assets: [...a.assets, ...b.assets],
  };
}
