/**
 * Okta System Log events (the okta plugin's `okta.*` fields). Upstream decodes each event into
 * a fixed Go struct, so a missing string is "" and a missing number 0 rather than absent.
 */
import { FieldCatalog } from '../../rules/fields.js';
import type { Source, VigilEvent } from '../event.js';
import { jsonFields } from '../json/index.js';
import {
  at, eventFields, field, indexArg, isObject, jsonText, own, rfc3339Ns, timeIn, textOrEmpty as text, toFieldDefs,
  type Binder, type ExtractionOptions, type PluginField,
} from '../plugin.js';

export interface OktaOptions extends ExtractionOptions {
  /** The organisation name `okta.org` reports (the plugin's `organization` setting). */
  organization?: string;
  /** How long MFA failures are remembered for okta.mfa.*.countlast, in seconds. */
  mfaMemorySeconds?: number;
}

/** A number member: Go's %v of the decoded value, "0" when missing. */
function numberText(p: readonly string[]): Binder {
  return () => (data) => {
    const v = at(data, p);
    return typeof v === 'number' ? String(v) : '0';
  };
}

/** A member of the LAST target of a type (User, UserGroup, AppInstance); absent if none. */
function target(type: string, key: string): Binder {
  return () => (data) => {
    const targets = own(data, 'target');
    if (!Array.isArray(targets)) return undefined;
    for (let i = targets.length - 1; i >= 0; i--) {
      if (own(targets[i], 'type') === type) {
        const v = own(targets[i], key);
        return v === undefined || v === null ? '' : jsonText(v);
      }
    }
    return undefined;
  };
}

const targetNames: Binder = (arg) => {
  const index = indexArg(arg);
  return (data) => {
    const targets = own(data, 'target');
    if (!Array.isArray(targets) || targets.length === 0) return undefined;
    const name = (t: unknown) => jsonText(own(t, 'displayName') ?? '')!;
    if (index === undefined) return `(${targets.map(name).join(',')})`;
    return index < targets.length ? name(targets[index]) : undefined;
  };
};

const MFA_EVENTS = (data: unknown): boolean => {
  const type = own(data, 'eventType');
  return type === 'user.mfa.okta_verify.deny_push' ||
    (type === 'user.authentication.auth_via_mfa' && at(data, ['outcome', 'result']) === 'FAILURE');
};

/**
 * Counts recent MFA failures per event type and actor, as the plugin does: every failure event
 * read is remembered once (by its time), and okta.mfa.*.countlast[N] says how many of the same
 * type and actor happened in the N seconds up to this one.
 */
class MfaMemory {
  private readonly seen = new WeakSet<object>();
  private readonly times = new Map<string, bigint[]>();

  constructor(private readonly keepNs: bigint) {}

  countLast(seconds: number, event: VigilEvent): number | undefined {
    const data = event.data;
    if (!isObject(data) || !MFA_EVENTS(data)) return undefined;
    const now = event.timeNs ?? rfc3339Ns(data.published) ?? 0n;
    const key = `${String(data.eventType)}:${String(at(data, ['actor', 'id']) ?? '')}`;
    let list = this.times.get(key);
    if (!list) this.times.set(key, (list = []));
    if (!this.seen.has(data)) {
      this.seen.add(data);
      list.push(now);
      const oldest = now - this.keepNs;
      while (list.length > 0 && list[0]! < oldest) list.shift();
    }
    const since = now - BigInt(seconds) * 1_000_000_000n;
    return list.filter((t) => t > since && t <= now).length;
  }
}

function oktaFields(options: OktaOptions): PluginField[] {
  const exact = options.falcoBugs ?? false;
  const memory = new MfaMemory(BigInt(options.mfaMemorySeconds ?? 86_400) * 1_000_000_000n);
  const countLast: Binder = (arg) => {
    const seconds = indexArg(arg)!;
    return (_data, event) => memory.countLast(seconds, event);
  };
  const org = options.organization;
  const mfa = { type: 'uint64', arg: 'required', argKind: 'index' } as const;
  return [
    field('okta.app', 'Application', () => (data) => {
      const uri = at(data, ['debugContext', 'debugData', 'requestUri']);
      return typeof uri === 'string' && uri.startsWith('/app/') ? uri.split('/')[2] : undefined;
    }),
    field('okta.behaviors', 'Behaviors', text('debugContext.debugData.behaviors')),
    field('okta.org', 'Organization', () => () => org),
    field('okta.evt.type', 'Event Type', text('eventType')),
    field('okta.evt.legacytype', 'Event Legacy Type', text('legacyEventType')),
    field('okta.severity', 'Severity', text('severity')),
    field('okta.message', 'Message', text('displayMessage')),
    field('okta.published', 'Event Source Timestamp', text('published')),
    field('okta.logonlysecuritydata', 'Log Only Security Data', text('debugContext.debugData.logOnlySecurityData')),
    field('okta.actor.id', 'Actor ID', text('actor.id')),
    field('okta.actor.Type', 'Actor Type', text('actor.type')),
    field('okta.actor.alternateid', 'Actor Alternate ID', text('actor.alternateId')),
    field('okta.actor.name', 'Actor Display Name', text('actor.displayName')),
    field('okta.client.zone', 'Client Zone', text('client.zone')),
    field('okta.client.ip', 'Client IP Address', text('client.ipAddress')),
    field('okta.client.device', 'Client Device', text('client.device')),
    field('okta.client.id', 'Client ID', text('client.id')),
    field('okta.client.geo.city', 'Client Geographical City', text('client.geographicalContext.city')),
    field('okta.client.geo.state', 'Client Geographical State', text('client.geographicalContext.state')),
    field('okta.client.geo.country', 'Client Geographical Country', text('client.geographicalContext.country')),
    field('okta.client.geo.postalcode', 'Client Geographical Postal Code', text('client.geographicalContext.postalCode')),
    field('okta.client.geo.lat', 'Client Geographical Latitude', numberText(['client', 'geographicalContext', 'geolocation', 'lat'])),
    // Upstream maps longitude to the key "lonDe", which Okta never sends: always "0".
    field('okta.client.geo.lon', 'Client Geographical Longitude', numberText(['client', 'geographicalContext', 'geolocation', exact ? 'lonDe' : 'lon'])),
    field('okta.useragent.os', 'Useragent OS', text('client.userAgent.os')),
    field('okta.useragent.browser', 'Useragent Browser', text('client.userAgent.browser')),
    field('okta.useragent.raw', 'Raw Useragent', text('client.userAgent.rawUserAgent')),
    field('okta.result', 'Outcome Result', text('outcome.result')),
    field('okta.reason', 'Outcome Reason', text('outcome.reason')),
    field('okta.transaction.id', 'Transaction ID', text('transaction.id')),
    field('okta.transaction.type', 'Transaction Type', text('transaction.type')),
    field('okta.requesturi', 'Request URI', text('debugContext.debugData.requestUri')),
    field('okta.principal.id', 'Principal ID', text('debugContext.debugData.originalPrincipal.id')),
    field('okta.principal.alternateid', 'Principal Alternate ID', text('debugContext.debugData.originalPrincipal.alternateId')),
    field('okta.principal.type', 'Principal Type', text('debugContext.debugData.originalPrincipal.type')),
    field('okta.principal.name', 'Principal Name', text('debugContext.debugData.originalPrincipal.displayName')),
    field('okta.authentication.step', 'Authentication Step', numberText(['authenticationContext', 'authenticationStep'])),
    field('okta.authentication.sessionid', 'External Session ID', text('authenticationContext.externalSessionId')),
    field('okta.authentication.provider', 'Authentication Provider', text('authenticationContext.authenticationProvider')),
    field('okta.authentication.credentialprovider', 'Credential Provider', text('authenticationContext.credentialProvider')),
    field('okta.security.asnumber', 'Security AS Number', () => (data) => {
      const v = at(data, ['securityContext', 'asNumber']);
      return typeof v === 'number' ? v : 0;
    }, { type: 'uint64' }),
    field('okta.security.asorg', 'Security AS Org', text('securityContext.asOrg')),
    field('okta.security.isp', 'Security ISP', text('securityContext.isp')),
    field('okta.security.domain', 'Security Domain', text('securityContext.domain')),
    field('okta.security.isproxy', 'Is Proxy', text('securityContext.isProxy')),
    field('okta.target.user.id', 'Target User ID', target('User', 'id')),
    field('okta.target.user.alternateid', 'Target User Alternate ID', target('User', 'alternateId')),
    field('okta.target.user.name', 'Target User Name', target('User', 'displayName')),
    field('okta.target.group.id', 'Target Group ID', target('UserGroup', 'id')),
    field('okta.target.group.alternateid', 'Target Group Alternate ID', target('UserGroup', 'alternateId')),
    field('okta.target.group.name', 'Target Group Name', target('UserGroup', 'displayName')),
    field('okta.target.app.alternateid', 'Target App Alternate ID', target('AppInstance', 'alternateId')),
    field('okta.targets.displayName', 'Targets Display Names', targetNames, { arg: 'optional', argKind: 'index' }),
    field('okta.mfa.failure.countlast', 'Count of MFA failures in last seconds', countLast, mfa),
    field('okta.mfa.deny.countlast', 'Count of MFA denies in last seconds', countLast, mfa),
  ];
}

/**
 * Upstream cannot decode an event whose securityContext.isProxy is a JSON boolean (its struct
 * wants a string), and then every okta.* field of that event is absent.
 */
const decodesInGo = (data: unknown) => typeof at(data, ['securityContext', 'isProxy']) !== 'boolean';

/** An Okta System Log event (LogEvent). */
export function isOktaEvent(doc: unknown): boolean {
  return isObject(doc) && typeof doc.eventType === 'string' && typeof doc.published === 'string' &&
    (isObject(doc.actor) || typeof doc.uuid === 'string');
}

/** One System Log event, or an array of them (what /api/v1/logs returns). */
export function frameOkta(doc: unknown): unknown[] | undefined {
  if (isOktaEvent(doc)) return [doc];
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isOktaEvent)) return doc;
  return undefined;
}

export function oktaSource(options: OktaOptions = {}): Source {
  return {
    name: 'okta',
    typeField: 'okta.evt.type',
    description: 'Okta System Log events; fields of the okta plugin',
    catalog: new FieldCatalog('okta', [
      ...toFieldDefs(oktaFields(options), options.falcoBugs ? decodesInGo : undefined),
      ...eventFields('okta'),
      ...jsonFields,
    ]),
    frame: frameOkta,
    ...timeIn('published'),
  };
}
