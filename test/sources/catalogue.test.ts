import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_TYPES } from '../../src/rules/fields.js';
import { findSource, jsonFields, sourceWith } from '../../src/sources/index.js';
import { projectRoot, shared, upstreamFields } from './helpers.js';

const PLATFORMS = ['k8s_audit', 'aws_cloudtrail', 'github', 'okta', 'gcp_auditlog'];
const cli = join(projectRoot, 'dist/src/cli/main.js');

/** libsinsp's evt.* fields that every plugin source has, with their types from the syscall table. */
const EVENT_FIELDS = (JSON.parse(readFileSync(shared('conformance/falco/fields/syscall/fields.json'), 'utf8')).fields as Array<{ name: string; type: string }>)
  .filter((f) => ['evt.num', 'evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s', 'evt.rawtime',
    'evt.rawtime.s', 'evt.rawtime.ns', 'evt.pluginname', 'evt.plugininfo', 'evt.source', 'evt.hostname'].includes(f.name));

/** vigil's additions beside the plugin's fields: Sysdig Secure's names for CloudTrail fields. */
const isAlias = (name: string) => name.startsWith('aws.');

test("Sysdig's aws.* names read exactly as their ct.* twins", () => {
  const catalog = findSource('aws_cloudtrail')!.catalog;
  const record = { eventSource: 'ecs.amazonaws.com', eventName: 'ExecuteCommand', awsRegion: 'eu-west-1', errorCode: 'Denied',
    sourceIPAddress: '198.51.100.1', userIdentity: { type: 'IAMUser', userName: 'carol', accountId: '1' } };
  const event = { source: 'aws_cloudtrail', data: record };
  const pairs = [['aws.eventSource', 'ct.src'], ['aws.eventName', 'ct.name'], ['aws.user', 'ct.user'], ['aws.region', 'ct.region'],
    ['aws.sourceIP', 'ct.srcip'], ['aws.errorCode', 'ct.error'], ['aws.accountId', 'ct.user.accountid']];
  for (const [alias, twin] of pairs) {
    const read = (n: string) => catalog.resolve(n!, undefined)!.def.extract!(event, undefined);
    assert.equal(read(alias!), read(twin!), alias);
    assert.notEqual(read(alias!), undefined, alias);
  }
});

for (const name of PLATFORMS) {
  test(`${name}: the catalogue has every upstream field, in order, with its type, list-ness, argument and description`, () => {
    const upstream = upstreamFields(name);
    for (const source of [findSource(name)!, sourceWith(name, { falcoBugs: true })!]) {
      const own = source.catalog.fields.filter((f) => !jsonFields.includes(f) && !f.name.startsWith('evt.') && !f.name.startsWith('vigil.') && !isAlias(f.name));
      assert.deepEqual(own.map((f) => f.name), upstream.map((f) => f.name));
      for (const [i, u] of upstream.entries()) {
        const f = own[i]!;
        assert.deepEqual(
          { type: f.type, isList: f.isList, arg: f.arg, argKind: f.argKind, description: f.description },
          { type: PLUGIN_TYPES[u.type], isList: u.is_list, arg: u.arg, argKind: u.arg_kind ?? 'none', description: u.description },
          u.name,
        );
        assert.ok(f.extract, `${u.name} extracts`);
      }
      // The json plugin's fields apply to every source's events, and so do libsinsp's evt.* ones.
      for (const j of jsonFields) assert.equal(source.catalog.resolve(j.name, j.arg === 'required' ? '/x' : undefined)?.def, j);
      for (const e of EVENT_FIELDS) assert.equal(source.catalog.resolve(e.name, undefined)?.def.type, e.type, e.name);
    }
  });
}

test('a field needing an argument refuses to go without one, and an index argument must be a number', () => {
  const k8s = findSource('k8s_audit')!.catalog;
  assert.equal(k8s.resolve('ka.uri.param', undefined), undefined);
  assert.ok(k8s.resolve('ka.uri.param', 'watch'));
  assert.ok(k8s.resolve('ka.req.pod.containers.image', undefined));
  assert.ok(k8s.resolve('ka.req.pod.containers.image', '1'));
  assert.equal(k8s.resolve('ka.req.pod.containers.image', 'x'), undefined);
  assert.equal(k8s.resolve('ka.verb', '0'), undefined);
});

test('vigil fields --json lists every field of a source with its type and description', () => {
  for (const name of PLATFORMS) {
    const rows = JSON.parse(execFileSync('node', [cli, 'fields', '--source', name, '--json'], { encoding: 'utf8' })) as
      Array<{ class: string; name: string; type: string; isList: boolean; description: string }>;
    const upstream = upstreamFields(name);
    const own = rows.filter((r) => r.class === name && !isAlias(r.name));
    assert.deepEqual(own.map((r) => [r.name, r.type, r.isList, r.description]),
      upstream.map((u) => [u.name, PLUGIN_TYPES[u.type], u.is_list, u.description]));
    assert.deepEqual(rows.filter((r) => r.class === 'json').map((r) => r.name), jsonFields.map((f) => f.name));
    assert.deepEqual(rows.filter((r) => r.class === 'evt').map((r) => [r.name, r.type]), EVENT_FIELDS.map((f) => [f.name, f.type]));
  }
});

test('vigil fields prints one line per field, as falco --list, and rejects an unknown source', () => {
  const out = execFileSync('node', [cli, 'fields'], { encoding: 'utf8' });
  for (const name of PLATFORMS) {
    assert.match(out, new RegExp(`^Event Sources: ${name}$`, 'm'));
    for (const u of upstreamFields(name)) {
      const line = out.split('\n').find((l) => l.split(/\s+/)[0]!.replace(/[([].*$/, '') === u.name);
      assert.ok(line, u.name);
      assert.ok(line.endsWith(u.description), u.name);
    }
  }
  assert.match(out, /^ka\.uri\.param\[KEY\]\s+CHARBUF\s+/m);
  assert.match(out, /^ka\.user\.groups\s+CHARBUF \(list\)\s+The groups/m);
  assert.match(out, /^s3\.bytes\s+UINT64\s+/m);
  assert.match(out, /^ec2\.imageids\(\[N\]\)\s+CHARBUF \(list\)/m);
  const bad = spawnSync('node', [cli, 'fields', '--source', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "vigil: unknown source 'nope' (known: json, k8s_audit, aws_cloudtrail, github, okta, gcp_auditlog)\n");
});
