import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrustGraph, newSnapshot, parseDeclared, snapshotJson, trustDot, type Resource } from '../../src/posture/index.js';
import { fixture, tempDir, vigil } from './helpers.js';

const role = (id: string, ...Statement: unknown[]): Resource => ({
  type: 'iam.role',
  id,
  arn: `arn:aws:iam::111122223333:role/${id}`,
  attributes: { path: '/', trustPolicy: { Version: '2012-10-17', Statement } },
});
const assume = (Principal: unknown, Condition?: unknown) => ({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });

const snapshot = newSnapshot({ provider: 'aws', account: '111122223333', collectedAt: '2026-11-21T00:00:00Z', regions: ['us-east-1'], source: 'file' }, [
  role('lambda-exec', assume({ Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] })),
  role('cross-account', assume({ AWS: ['arn:aws:iam::444455556666:root', 'arn:aws:iam::123412341234:role/ci'] })),
  role('vendor', assume({ AWS: '999988887777' }, { StringEquals: { 'sts:ExternalId': 'x-42' } })),
  role('open-door', assume('*')),
  role('open-but-narrowed', assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } })),
  role('github', assume({ Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } })),
  role('internal', assume({ AWS: 'arn:aws:iam::111122223333:role/app' }), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }),
]);
const declared = parseDeclared('version: 1\ntrustedAccounts:\n  - {id: "444455556666", name: tooling}\n');

test('trust policies resolve into accounts, roles, services and external principals', () => {
  const g = buildTrustGraph(snapshot, declared);
  const kinds = Object.fromEntries(g.nodes.map((n) => [n.id, `${n.kind}/${n.level}`]));
  assert.equal(kinds['service:lambda.amazonaws.com'], 'service/service');
  assert.equal(kinds['account:444455556666'], 'account/trusted');
  assert.equal(kinds['arn:aws:iam::123412341234:role/ci'], 'principal/external');
  assert.equal(kinds['account:999988887777'], 'account/external');
  assert.equal(kinds['*'], 'wildcard/wildcard');
  assert.equal(kinds['arn:aws:iam::111122223333:role/app'], 'principal/own');
  assert.equal(kinds['federated:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com'], 'federated/own');
  assert.equal(g.edges.length, 9, 'Deny statements grant nothing');
  assert.deepEqual(g.edges.find((e) => e.from === 'account:999988887777')!.conditions, ['StringEquals sts:ExternalId']);
});

test('undeclared accounts and wildcard principals are flagged, conditions lower the score', () => {
  const g = buildTrustGraph(snapshot, declared, { now: new Date('2026-11-21T00:00:00Z') });
  const flagged = g.findings.map((f) => [f.rule, f.resource.split('/').pop(), f.score]);
  assert.deepEqual(flagged, [
    ['trust/wildcard-principal', 'open-door', 10],
    ['trust/untrusted-account', 'cross-account', 8],
    ['trust/wildcard-principal', 'open-but-narrowed', 6],
    ['trust/untrusted-account', 'vendor', 6],
  ]);
  assert.ok(g.findings.every((f) => f.kind === 'trust'));
  assert.match(g.findings.find((f) => f.resource.endsWith('cross-account'))!.description, /role cross-account can be assumed from account 123412341234 .*not declared as trusted/);
  const withoutDeclared = buildTrustGraph(snapshot, { trustedAccounts: [] });
  assert.equal(withoutDeclared.findings.length, 5, 'the tooling account is untrusted once undeclared');
});

test('DOT output groups principals by account and marks flagged edges', () => {
  const dot = trustDot(buildTrustGraph(snapshot, declared));
  assert.match(dot, /^digraph trust \{\n/);
  assert.match(dot, /subgraph cluster_\d+ \{\n {4}label="111122223333 \(this account\)";/);
  assert.match(dot, /"account:999988887777" -> "arn:aws:iam::111122223333:role\/vendor" \[label="if StringEquals sts:ExternalId", color=red\];/);
  assert.match(dot, /"\*" \[label="everyone \(\*\)", shape=doubleoctagon, color=red\];/);
  assert.equal((dot.match(/\{/g) ?? []).length, (dot.match(/\}/g) ?? []).length);
});

test('vigil inventory trust: table, JSON and DOT', async () => {
  const dir = tempDir();
  const file = join(dir, 'snap.json');
  writeFileSync(file, snapshotJson(snapshot));
  const declaredFile = join(dir, 'declared.yaml');
  writeFileSync(declaredFile, 'version: 1\ntrustedAccounts: ["444455556666"]\n');
  const table = await vigil(['inventory', 'trust', file, '--declared', declaredFile, '--no-store']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^ROLE\s+TRUSTED PRINCIPAL\s+KIND\s+TRUST\s+CONDITIONS\n/);
  assert.match(table.stdout, /\nopen-door\s+everyone \(\*\)\s+wildcard\s+WILDCARD\s+-\n/);
  assert.match(table.stdout, /\n9 trust relationships, 4 flagged\n$/);
  const json = JSON.parse((await vigil(['inventory', 'trust', file, '-d', declaredFile, '-f', 'json', '--no-store'])).stdout);
  assert.equal(json.edges.length, 9);
  assert.equal(json.findings.length, 4);
  const dot = await vigil(['inventory', 'trust', fixture('actual-drifted.json'), '-d', fixture('expected', 'declared.yaml'), '-f', 'dot', '--no-store']);
  assert.match(dot.stdout, /"account:999988887777" -> "arn:aws:iam::111122223333:role\/deploy-role" \[label="assume", color=red\];/);
  const alert = await vigil(['inventory', 'trust', fixture('actual-drifted.json'), '-d', fixture('expected', 'declared.yaml'), '-f', 'alert', '--no-store']);
  assert.equal(JSON.parse(alert.stdout).Alert.rule, 'trust/untrusted-account');
});
