import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineFor, loadRuleFiles } from '../../src/engine/index.js';
import { alertEnricher, asnLookup, CLIENT_IP, geoLookup } from '../../src/enrich/index.js';
import { catalogFor, findSource, githubDelivery } from '../../src/sources/index.js';

// Addresses and countries from the geoip-lite package's own tests (test/tests.js). Their
// cities drift as the bundled GeoLite2 data is refreshed (the package's test says so), so
// only the presence of a city is asserted here.
const PAMPLONA = '2.139.175.1';
const BELFAST_NET = '195.16.170.74';
const US = '23.240.63.68';

test('geoLookup: the database package test addresses; private and malformed addresses have no location', () => {
  assert.equal(geoLookup(PAMPLONA)?.country, 'ES');
  assert.match(geoLookup(PAMPLONA)!.city, /^\p{L}/u);
  assert.equal(geoLookup(BELFAST_NET)?.country, 'GB');
  assert.equal(geoLookup(US)?.country, 'US');
  assert.equal(geoLookup('::ffff:' + PAMPLONA)?.country, 'ES');
  assert.equal(geoLookup('10.1.2.3'), undefined);
  assert.equal(geoLookup('127.0.0.1'), undefined);
  assert.equal(geoLookup('not-an-ip'), undefined);
});

/** One event of each source whose client IP is `ip`, in the source's own shape. */
const EVENTS: Record<string, (ip: string) => object> = {
  aws_cloudtrail: (ip) => ({
    eventVersion: '1.08', eventID: 'e1', eventTime: '2026-11-20T10:00:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1', sourceIPAddress: ip, userIdentity: { type: 'IAMUser', userName: 'carol', accountId: '111122223333' },
  }),
  okta: (ip) => ({
    uuid: 'u1', published: '2026-11-20T10:00:00.000Z', eventType: 'user.session.start', actor: { id: '00u1', type: 'User', alternateId: 'ana@acme.example' },
    client: { ipAddress: ip }, outcome: { result: 'SUCCESS' },
  }),
  k8s_audit: (ip) => ({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'a1', stage: 'ResponseComplete', verb: 'get',
    requestURI: '/api/v1/namespaces/prod/secrets', user: { username: 'mallory' }, sourceIPs: [ip, '10.0.0.1'],
    objectRef: { resource: 'secrets', namespace: 'prod' }, requestReceivedTimestamp: '2026-11-20T10:00:00.000000Z',
  }),
  gcp_auditlog: (ip) => ({
    logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity', timestamp: '2026-11-20T10:00:00Z', insertId: 'i1',
    protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', methodName: 'SetIamPolicy', serviceName: 'cloudresourcemanager.googleapis.com',
      authenticationInfo: { principalEmail: 'eve@acme.example' }, requestMetadata: { callerIp: ip } },
    resource: { type: 'project', labels: { project_id: 'p' } },
  }),
  github: (ip) => githubDelivery('audit_log', { '@timestamp': 1763625600000, _document_id: 'd1', action: 'org.update_member', actor: 'ana', org: 'acme', actor_ip: ip }),
};

test('asnLookup: well-known public resolvers, IPv6 and IPv4-mapped; none for private addresses', () => {
  assert.equal(asnLookup('1.1.1.1')?.asn, 13335);
  assert.match(asnLookup('1.1.1.1')!.organization, /Cloudflare/);
  assert.equal(asnLookup('8.8.8.8')?.asn, 15169);
  assert.equal(asnLookup('2001:4860:4860::8888')?.asn, 15169);
  assert.equal(asnLookup('::ffff:8.8.4.4')?.asn, 15169);
  assert.equal(asnLookup('10.0.0.1'), undefined);
  assert.equal(asnLookup('nonsense'), undefined);
});

test("a rule 'login from a country outside the allowed list' works on every source through vigil.geo.*, and its alert carries them", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-geo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rules = join(dir, 'geo.yaml');
  writeFileSync(rules, [
    '- list: allowed_countries',
    '  items: [US]',
    ...Object.keys(EVENTS).flatMap((source) => [
      `- rule: Activity from outside the allowed countries (${source})`,
      '  desc: the client IP is located outside the allowed countries',
      '  condition: vigil.geo.country exists and not vigil.geo.country in (allowed_countries)',
      '  output: from %vigil.geo.country (city=%vigil.geo.city asn=%vigil.geo.asn)',
      '  priority: WARNING',
      `  source: ${source}`,
    ]),
  ].join('\n') + '\n');
  const set = loadRuleFiles([rules]);
  assert.deepEqual(set.errors, []);
  const engine = engineFor(set);
  const enrich = alertEnricher(catalogFor);
  assert.deepEqual(Object.keys(EVENTS).sort(), Object.keys(CLIENT_IP).sort(), 'every source with a client IP is covered');
  for (const [source, make] of Object.entries(EVENTS)) {
    const evaluate = (ip: string) => {
      const data = make(ip);
      const s = findSource(source)!;
      assert.ok(s.frame(data), `${source}: the test event is one of the source's`);
      const event = { source, data, timeNs: s.time?.(data) };
      return enrich(engine.evaluate(event), event);
    };
    const [alert, ...more] = evaluate(PAMPLONA);
    assert.equal(more.length, 0, source);
    const city = geoLookup(PAMPLONA)!.city;
    const asn = asnLookup(PAMPLONA)!.asn;
    assert.ok(asn > 0);
    assert.ok(alert?.output.endsWith(`Warning from ES (city=${city} asn=${asn})`), `${source}: ${alert?.output}`);
    assert.deepEqual(alert.output_fields, { 'vigil.geo.country': 'ES', 'vigil.geo.city': city, 'vigil.geo.asn': asn }, source);
    // The alert carries the client IP's context whatever the rule printed.
    assert.deepEqual(alert.vigil!.geo, { ip: PAMPLONA, country: 'ES', city, region: geoLookup(PAMPLONA)!.region, asn, asorg: asnLookup(PAMPLONA)!.organization }, source);
    assert.deepEqual(evaluate(US), [], `${source}: an allowed country`);
    assert.deepEqual(evaluate('10.20.30.40'), [], `${source}: a private address has no country`);
  }
});
