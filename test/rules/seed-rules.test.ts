import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineFor, loadRuleFiles } from '../../src/engine/index.js';
import { findSource } from '../../src/sources/index.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

function fired(rulesFile: string, sourceName: string, data: object): string[] {
  const set = loadRuleFiles([join(fixtures, rulesFile)]);
  assert.deepEqual(set.errors, []);
  const source = findSource(sourceName)!;
  return engineFor(set).evaluate({ source: sourceName, data, timeNs: source.time?.(data) }).map((a) => a.output);
}

const ecsExec = (command: string, extra: object = {}) => ({
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', userName: 'carol', accountId: '111122223333' },
  eventTime: '2026-11-20T10:40:00Z',
  eventSource: 'ecs.amazonaws.com',
  eventName: 'ExecuteCommand',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.70',
  requestParameters: { cluster: 'prod', container: 'web', command, interactive: true },
  eventType: 'AwsApiCall',
  ...extra,
});

test("the seed's ECS rule loads unmodified and fires with Sysdig's field names", () => {
  const [output, ...rest] = fired('seed-ecs-rule.yaml', 'aws_cloudtrail', ecsExec('/usr/bin/python3'));
  assert.equal(rest.length, 0);
  assert.match(output!, /requesting user=carol, requesting IP=198\.51\.100\.70, AWS region=us-east-1/);
  assert.match(output!, /cluster=prod,\s+container=web,\s+command=\/usr\/bin\/python3/);
  assert.deepEqual(fired('seed-ecs-rule.yaml', 'aws_cloudtrail', ecsExec('sh')), []);
  assert.deepEqual(fired('seed-ecs-rule.yaml', 'aws_cloudtrail', ecsExec('python3', { errorCode: 'AccessDenied' })), []);
});

test("the seed's Okta rule loads unmodified; its lower-case list does not match Okta's capitalised countries", () => {
  const login = (country: string) => ({
    uuid: 'u1',
    published: '2026-11-20T08:00:00.000Z',
    eventType: 'user.session.start',
    actor: { id: '00u1', type: 'User', alternateId: 'ana@acme.example', displayName: 'Ana Lopez' },
    client: { ipAddress: '203.0.113.77', geographicalContext: { country } },
    outcome: { result: 'SUCCESS' },
  });
  assert.equal(fired('seed-okta-rule.yaml', 'okta', login('malta')).length, 0);
  const [output] = fired('seed-okta-rule.yaml', 'okta', login('Nigeria'));
  assert.match(output!, /A user logged in OKTA from a suspicious country \(user=Ana Lopez, ip=203\.0\.113\.77, country=Nigeria\)/);
  // As written, `in` is exact: Okta reports "Malta", which the seed's list spells "malta".
  // vigil's own Okta rule compares tolower(country) for that reason.
  assert.equal(fired('seed-okta-rule.yaml', 'okta', login('Malta')).length, 1);
});
