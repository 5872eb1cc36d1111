/**
 * Who can assume what: every role's trust policy resolved into a graph of accounts,
 * roles, services and external principals (CloudMapper's "web of trust"). Trust to an
 * account that is neither this one nor declared trusted, and wildcard principals, are
 * Findings of kind 'trust'.
 */
import type { Finding } from '../records/index.js';
import { statements, type Resource, type RoleAttributes, type Snapshot } from './model.js';
import type { DeclaredInventory } from './declared.js';
import { principalAccount, principalValues } from './exposure.js';
import { newFinding } from './findings.js';

export type TrustNodeKind = 'role' | 'account' | 'principal' | 'service' | 'federated' | 'wildcard';
/** own: this account; trusted: declared; external: neither. */
export type TrustLevel = 'own' | 'trusted' | 'external' | 'service' | 'wildcard';

export interface TrustNode {
  id: string;
  kind: TrustNodeKind;
  label: string;
  account?: string;
  level: TrustLevel;
}

export interface TrustEdge {
  /** The principal that may assume… */
  from: string;
  /** …this role (its ARN). */
  to: string;
  actions: string[];
  /** Condition operators and keys that narrow the trust (e.g. `StringEquals sts:ExternalId`). */
  conditions: string[];
}

export interface TrustGraph {
  account: string;
  nodes: TrustNode[];
  edges: TrustEdge[];
  findings: Finding[];
}

export function buildTrustGraph(snapshot: Snapshot, declared: Pick<DeclaredInventory, 'trustedAccounts'>, options: { now?: Date } = {}): TrustGraph {
  const now = options.now ?? new Date();
  const trusted = new Map(declared.trustedAccounts.map((a) => [a.id, a.name]));
  const levelOf = (account: string | undefined): TrustLevel =>
    account === snapshot.account ? 'own' : account !== undefined && trusted.has(account) ? 'trusted' : 'external';
  const nodes = new Map<string, TrustNode>();
  const add = (n: TrustNode) => (nodes.has(n.id) ? nodes.get(n.id)! : (nodes.set(n.id, n), n));
  const edges: TrustEdge[] = [];
  const findings: Finding[] = [];

  for (const role of snapshot.resources.filter((r) => r.type === 'iam.role')) {
    const roleId = role.arn ?? `arn:aws:iam::${snapshot.account}:role/${role.id}`;
    add({ id: roleId, kind: 'role', label: role.id, account: snapshot.account, level: 'own' });
    for (const s of statements((role.attributes as RoleAttributes).trustPolicy)) {
      if (s.Effect !== 'Allow') continue;
      const conditions = Object.entries(s.Condition ?? {}).flatMap(([op, keys]) => Object.keys(keys as object).map((k) => `${op} ${k}`));
      const actions = [s.Action ?? []].flat();
      for (const p of principalValues(s.Principal)) {
        const node = principalNode(p.kind, p.value, levelOf, trusted);
        add(node);
        edges.push({ from: node.id, to: roleId, actions, conditions });
        const finding = judge(node, role, roleId, conditions, snapshot, now);
        if (finding) findings.push(finding);
      }
    }
  }
  return { account: snapshot.account, nodes: [...nodes.values()], edges, findings: findings.sort((a, b) => b.score - a.score || a.resource.localeCompare(b.resource)) };
}

function principalNode(kind: string, value: string, levelOf: (a: string | undefined) => TrustLevel, trusted: Map<string, string | undefined>): TrustNode {
  if (value === '*') return { id: '*', kind: 'wildcard', label: 'everyone (*)', level: 'wildcard' };
  if (kind === 'Service') return { id: `service:${value}`, kind: 'service', label: value, level: 'service' };
  if (kind === 'Federated') {
    const account = principalAccount(value);
    return { id: `federated:${value}`, kind: 'federated', label: value.split('/').pop() ?? value, account, level: account ? levelOf(account) : 'external' };
  }
  const account = principalAccount(value);
  if (account && (value === account || value.endsWith(':root'))) {
    const name = trusted.get(account);
    return { id: `account:${account}`, kind: 'account', label: name ? `${account} (${name})` : account, account, level: levelOf(account) };
  }
  return { id: value, kind: 'principal', label: value.split(':').pop() ?? value, account, level: levelOf(account) };
}

function judge(node: TrustNode, role: Resource, roleId: string, conditions: string[], snapshot: Snapshot, now: Date): Finding | undefined {
  if (node.level !== 'wildcard' && node.level !== 'external') return undefined;
  if (node.kind === 'federated' && node.account === undefined) return undefined; // an identity provider such as accounts.google.com
  const wildcard = node.level === 'wildcard';
  const narrowed = conditions.length > 0 ? ` (narrowed by ${conditions.join(', ')})` : '';
  return newFinding(
    {
      kind: 'trust',
      rule: wildcard ? 'trust/wildcard-principal' : 'trust/untrusted-account',
      score: wildcard ? (conditions.length ? 6 : 10) : conditions.length ? 6 : 8,
      title: wildcard ? 'role trusts everyone' : 'role trusts an undeclared account',
      description: wildcard
        ? `role ${role.id} can be assumed by any principal${narrowed}`
        : `role ${role.id} can be assumed from account ${node.account} (${node.label}), which is not declared as trusted${narrowed}`,
      resource: roleId,
      resourceType: 'IAMRole',
      location: `${snapshot.provider}:${snapshot.account}/global`,
      details: { ruleType: 'TrustChecks', principal: node.id, conditions },
    },
    [snapshot.account, roleId, node.id],
    now,
  );
}

export function trustTable(g: TrustGraph): string {
  const rows = g.edges.map((e) => {
    const n = g.nodes.find((x) => x.id === e.from)!;
    return [g.nodes.find((x) => x.id === e.to)!.label, n.label, n.kind, n.level === 'external' || n.level === 'wildcard' ? n.level.toUpperCase() : n.level, e.conditions.join(', ') || '-'];
  });
  const header = ['ROLE', 'TRUSTED PRINCIPAL', 'KIND', 'TRUST', 'CONDITIONS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n';
  return line(header) + rows.map(line).join('') + `\n${g.edges.length} trust relationships, ${g.findings.length} flagged\n`;
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const SHAPES: Record<TrustNodeKind, string> = { role: 'box', account: 'folder', principal: 'ellipse', service: 'component', federated: 'hexagon', wildcard: 'doubleoctagon' };
const COLOURS: Record<TrustLevel, string> = { own: 'black', trusted: 'darkgreen', service: 'blue', external: 'red', wildcard: 'red' };

/** Graphviz DOT: one cluster per account, flagged principals and their edges in red. */
export function trustDot(g: TrustGraph): string {
  const out = ['digraph trust {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  const node = (n: TrustNode) => `${quote(n.id)} [label=${quote(n.label)}, shape=${SHAPES[n.kind]}, color=${COLOURS[n.level]}];`;
  const byAccount = new Map<string, TrustNode[]>();
  for (const n of g.nodes) {
    if (n.account && n.kind !== 'account') byAccount.set(n.account, [...(byAccount.get(n.account) ?? []), n]);
    else out.push(`  ${node(n)}`);
  }
  let i = 0;
  for (const [account, members] of byAccount) {
    out.push(`  subgraph cluster_${i++} {`, `    label=${quote(account === g.account ? `${account} (this account)` : account)};`);
    for (const n of members) out.push(`    ${node(n)}`);
    out.push('  }');
  }
  for (const e of g.edges) {
    const from = g.nodes.find((n) => n.id === e.from)!;
    const attrs = [`label=${quote(e.conditions.length ? 'if ' + e.conditions.join(', ') : 'assume')}`, `color=${COLOURS[from.level]}`];
    out.push(`  ${quote(e.from)} -> ${quote(e.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
