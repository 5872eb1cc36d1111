/**
 * Okta System Log events built by hand in the shape Okta documents for LogEvent (and that the
 * okta plugin's field file describes): there is no public Okta log corpus in ../shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSource, findSource, sourceWith, type VigilEvent } from '../../src/sources/index.js';
import { holds, value } from './helpers.js';

const okta = findSource('okta')!;
const exact = sourceWith('okta', { falcoBugs: true, organization: 'acme' })!;

function logEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: 'dc9fd3c0-598c-11ef-8478-2b7584bf8d5a',
    published: '2024-08-13T15:58:20.353Z',
    eventType: 'user.session.start',
    version: '0',
    displayMessage: 'User login to Okta',
    severity: 'INFO',
    legacyEventType: 'core.user_auth.login_success',
    actor: { id: '00u1qw1mqitPHM8AJ0g7', type: 'User', alternateId: 'jane@acme.com', displayName: 'Jane Doe', detailEntry: null },
    client: {
      userAgent: { rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', os: 'Mac OS X', browser: 'SAFARI' },
      zone: 'null', device: 'Computer', id: null, ipAddress: '203.0.113.7',
      geographicalContext: { city: 'Lisbon', state: 'Lisbon', country: 'Portugal', postalCode: '1000-001', geolocation: { lat: 38.7167, lon: -9.1333 } },
    },
    authenticationContext: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialProvider: null, credentialType: null, externalSessionId: '102bZDNFfWaQSyEZQuDgWt-uQ', authenticationStep: 0 },
    outcome: { result: 'SUCCESS', reason: null },
    securityContext: { asNumber: 3243, asOrg: 'meo', isp: 'meo', domain: 'telepac.pt', isProxy: false },
    debugContext: { debugData: { requestUri: '/app/salesforce/exk1/sso/saml', behaviors: '{New Geo-Location=NEGATIVE, New Device=POSITIVE}', logOnlySecurityData: '{"risk":{"level":"LOW"}}',
      originalPrincipal: { id: '00u2', type: 'User', alternateId: 'admin@acme.com', displayName: 'Admin' } } },
    transaction: { type: 'WEB', id: 'ZrujvLz8sXS4ujVrNqV2JwAAAbE', detail: {} },
    target: [
      { id: '00u1qw1mqitPHM8AJ0g7', type: 'User', alternateId: 'jane@acme.com', displayName: 'Jane Doe' },
      { id: '00g1', type: 'UserGroup', alternateId: 'unknown', displayName: 'Admins' },
      { id: '0oa1', type: 'AppInstance', alternateId: 'Salesforce', displayName: 'Salesforce.com' },
      { id: '00u9', type: 'User', alternateId: 'bob@acme.com', displayName: 'Bob' },
    ],
    ...overrides,
  };
}

test('a login: actor, client, geography, outcome, security context', () => {
  const e = logEvent();
  assert.equal(detectSource(e), 'okta');
  assert.deepEqual(okta.frame(e), [e]);
  assert.equal(okta.time!(e), 1723564700353000000n);
  const v = (f: string, arg?: string) => value(okta, e, f, arg);
  assert.equal(v('okta.evt.type'), 'user.session.start');
  assert.equal(v('okta.evt.legacytype'), 'core.user_auth.login_success');
  assert.equal(v('okta.severity'), 'INFO');
  assert.equal(v('okta.message'), 'User login to Okta');
  assert.equal(v('okta.published'), '2024-08-13T15:58:20.353Z');
  assert.equal(v('okta.actor.id'), '00u1qw1mqitPHM8AJ0g7');
  assert.equal(v('okta.actor.Type'), 'User');
  assert.equal(v('okta.actor.alternateid'), 'jane@acme.com');
  assert.equal(v('okta.actor.name'), 'Jane Doe');
  assert.equal(v('okta.client.ip'), '203.0.113.7');
  assert.equal(v('okta.client.zone'), 'null');
  assert.equal(v('okta.client.id'), ''); // JSON null: the Go struct's empty string
  assert.equal(v('okta.client.device'), 'Computer');
  assert.equal(v('okta.client.geo.country'), 'Portugal');
  assert.equal(v('okta.client.geo.city'), 'Lisbon');
  assert.equal(v('okta.client.geo.postalcode'), '1000-001');
  assert.equal(v('okta.client.geo.lat'), '38.7167');
  assert.equal(v('okta.client.geo.lon'), '-9.1333');
  const decodable = logEvent({ securityContext: { isProxy: 'false' } });
  assert.equal(value(exact, decodable, 'okta.client.geo.lon'), '0'); // upstream reads the key "lonDe"
  assert.equal(value(exact, decodable, 'okta.client.geo.lat'), '38.7167')
  assert.equal(v('okta.useragent.os'), 'Mac OS X');
  assert.equal(v('okta.useragent.browser'), 'SAFARI');
  assert.equal(v('okta.useragent.raw'), 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)');
  assert.equal(v('okta.result'), 'SUCCESS');
  assert.equal(v('okta.reason'), '');
  assert.equal(v('okta.transaction.type'), 'WEB');
  assert.equal(v('okta.transaction.id'), 'ZrujvLz8sXS4ujVrNqV2JwAAAbE');
  assert.equal(v('okta.requesturi'), '/app/salesforce/exk1/sso/saml');
  assert.equal(v('okta.app'), 'salesforce');
  assert.equal(v('okta.behaviors'), '{New Geo-Location=NEGATIVE, New Device=POSITIVE}');
  assert.equal(v('okta.logonlysecuritydata'), '{"risk":{"level":"LOW"}}');
  assert.equal(v('okta.principal.id'), '00u2');
  assert.equal(v('okta.principal.alternateid'), 'admin@acme.com');
  assert.equal(v('okta.principal.type'), 'User');
  assert.equal(v('okta.principal.name'), 'Admin');
  assert.equal(v('okta.authentication.step'), '0');
  assert.equal(v('okta.authentication.sessionid'), '102bZDNFfWaQSyEZQuDgWt-uQ');
  assert.equal(v('okta.authentication.provider'), 'OKTA_AUTHENTICATION_PROVIDER');
  assert.equal(v('okta.authentication.credentialprovider'), '');
  assert.equal(v('okta.security.asnumber'), 3243);
  assert.equal(v('okta.security.asorg'), 'meo');
  assert.equal(v('okta.security.isp'), 'meo');
  assert.equal(v('okta.security.domain'), 'telepac.pt');
  assert.equal(v('okta.security.isproxy'), 'false');
  assert.equal(v('okta.org'), undefined); // not configured
  assert.equal(value(exact, logEvent({ securityContext: { isProxy: 'false' } }), 'okta.org'), 'acme');
  assert.equal(holds(okta, 'okta.evt.type=user.session.start and not okta.client.geo.country in (Portugal, Spain)', e), false);
  assert.equal(holds(okta, 'okta.evt.type=user.session.start and not okta.client.geo.country in (France, Spain)', e), true);
  assert.equal(holds(okta, 'okta.security.asnumber = 3243', e), true);
});

test('targets: the last of each type, and the display names by index', () => {
  const e = logEvent();
  assert.equal(value(okta, e, 'okta.target.user.id'), '00u9');
  assert.equal(value(okta, e, 'okta.target.user.alternateid'), 'bob@acme.com');
  assert.equal(value(okta, e, 'okta.target.user.name'), 'Bob');
  assert.equal(value(okta, e, 'okta.target.group.id'), '00g1');
  assert.equal(value(okta, e, 'okta.target.group.alternateid'), 'unknown');
  assert.equal(value(okta, e, 'okta.target.group.name'), 'Admins');
  assert.equal(value(okta, e, 'okta.target.app.alternateid'), 'Salesforce');
  assert.equal(value(okta, e, 'okta.targets.displayName'), '(Jane Doe,Admins,Salesforce.com,Bob)');
  assert.equal(value(okta, e, 'okta.targets.displayName', '2'), 'Salesforce.com');
  assert.equal(value(okta, e, 'okta.targets.displayName', '4'), undefined);
  const none = logEvent({ target: [] });
  assert.equal(value(okta, none, 'okta.targets.displayName'), undefined);
  assert.equal(value(okta, none, 'okta.target.user.name'), undefined);
  assert.equal(holds(okta, 'okta.target.group.name exists', none), false);
  assert.equal(holds(okta, 'okta.target.group.name = Admins', e), true);
});

test('missing members are "" or 0, not absent; okta.app only for /app/ URIs', () => {
  const bare = { eventType: 'user.account.lock', published: '2024-08-13T15:58:20Z', uuid: 'u' };
  assert.equal(detectSource(bare), 'okta');
  assert.equal(value(okta, bare, 'okta.actor.name'), '');
  assert.equal(value(okta, bare, 'okta.client.geo.lat'), '0');
  assert.equal(value(okta, bare, 'okta.security.asnumber'), 0);
  assert.equal(value(okta, bare, 'okta.app'), undefined);
  assert.equal(holds(okta, 'okta.actor.name exists', bare), true);
});

test('a boolean isProxy: upstream cannot decode the event, so every okta field is absent there', () => {
  const e = logEvent();
  assert.equal(value(exact, e, 'okta.evt.type'), undefined);
  assert.equal(value(exact, e, 'okta.security.isproxy'), undefined);
  assert.equal(value(exact, e, 'json.value', '/eventType'), 'user.session.start');
  const s = logEvent({ securityContext: { isProxy: 'true' } });
  assert.equal(value(exact, s, 'okta.evt.type'), 'user.session.start');
  assert.equal(value(exact, s, 'okta.security.isproxy'), 'true');
});

test('MFA failures and push denies are counted per type and actor over the last N seconds', () => {
  const source = sourceWith('okta', {})!;
  const at = (second: number, overrides: Record<string, unknown>): VigilEvent => {
    const data = logEvent({ published: new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString(), ...overrides });
    return { source: 'okta', data, timeNs: source.time!(data) };
  };
  const deny = (s: number, actor = 'a1') => at(s, { eventType: 'user.mfa.okta_verify.deny_push', actor: { id: actor } });
  const failure = (s: number) => at(s, { eventType: 'user.authentication.auth_via_mfa', outcome: { result: 'FAILURE' }, actor: { id: 'a1' } });
  const counts: Array<number | undefined> = [];
  for (const e of [deny(0), deny(10), deny(20, 'other'), failure(25), deny(30)]) {
    counts.push(value(source, e, 'okta.mfa.deny.countlast', '15') as number | undefined);
    // Asking again (another field, another window) counts the event once only.
    value(source, e, 'okta.mfa.failure.countlast', '60');
  }
  // At 10s: a1's denies at 0 and 10. At 20s: the other actor's first. The failure at 25s counts
  // failures (its own type). At 30s: only a1's deny at 30 is within (15s, 30s].
  assert.deepEqual(counts, [1, 2, 1, 1, 1]);
  assert.equal(value(source, at(31, { eventType: 'user.session.start' }), 'okta.mfa.deny.countlast', '60'), undefined);
  assert.equal(holds(source, 'okta.mfa.deny.countlast[60] >= 3', deny(40)), true); // a1 denies at 0, 10, 30, 40
});
