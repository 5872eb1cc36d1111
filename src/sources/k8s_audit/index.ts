/**
 * Kubernetes audit events (the k8saudit plugin's `ka.*` fields). JSON values are read as the
 * plugin reads them: strings raw, anything else as compact JSON text; an event without
 * `auditID` has no ka.* value at all.
 */
import { FieldCatalog, type Scalar } from '../../rules/fields.js';
import type { Source } from '../event.js';
import { jsonFields } from '../json/index.js';
import {
  at, eventFields, field, pathReader, indexArg, indexed, isObject, jsonText, nonEmpty, own, path, pick, timeIn, text, textList, toFieldDefs,
  type Binder, type ExtractionOptions, type PluginField,
} from '../plugin.js';

type Family = 'containers' | 'initContainers' | 'ephemeralContainers';
/** What one container contributes to a list field; FAIL makes the whole field absent. */
type PerContainer = (container: unknown, spec: unknown) => Scalar[] | undefined | typeof FAIL;
const FAIL = Symbol('fail');

const SPEC = ['requestObject', 'spec'];

/** A list field over the containers of one family; an index argument selects one container. */
function perContainer(family: Family, read: PerContainer): Binder {
  const list = [...SPEC, family];
  return (arg) => {
    const index = indexArg(arg);
    return (data) => {
      const all = at(data, list);
      if (!Array.isArray(all)) return undefined;
      const spec = at(data, SPEC);
      const out: Scalar[] = [];
      for (const c of pick(all, index)) {
        const v = read(c, spec);
        if (v === FAIL) return undefined;
        if (v) out.push(...v);
      }
      return nonEmpty(out);
    };
  };
}

/** The container's value at a path, as text, when it has one. */
const atKey = (keys: readonly string[]): PerContainer => (c) => {
  const v = at(c, keys);
  return v === undefined ? undefined : [jsonText(v)!];
};

/** Image repository: cut at the first ":" and then at the first "@" (as upstream). */
const repository = (image: string) => image.split(':')[0]!.split('@')[0]!;

const joinedWords = (key: string): PerContainer => (c) => {
  const v = own(c, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((w) => typeof w !== 'string')) return FAIL;
  return [v.join(' ')];
};

const hostPorts: PerContainer = (c) => {
  const ports = own(c, 'ports');
  if (ports === undefined) return undefined;
  if (!Array.isArray(ports)) return FAIL;
  const out: string[] = [];
  for (const p of ports) {
    const v = own(p, 'hostPort') ?? own(p, 'containerPort');
    if (v !== undefined) out.push(jsonText(v)!);
  }
  return out;
};

/**
 * The uid/gid a container starts with: its own setting, else the pod's, else 0. Upstream looks
 * for the keys directly on the container and pod spec (skipping securityContext), so with real
 * pod specs it always says "0"; correct extraction reads the security contexts.
 */
function effective(key: 'runAsUser' | 'runAsGroup', exact: boolean): PerContainer {
  const keys = exact ? [key] : ['securityContext', key];
  return (c, spec) => [jsonText(at(c, keys) ?? at(spec, keys) ?? '0')!];
}

function containerFields(family: Family, exact: boolean) {
  const sc = (key: string) => perContainer(family, atKey(['securityContext', key]));
  return {
    name: perContainer(family, atKey(['name'])),
    image: perContainer(family, atKey(['image'])),
    repository: perContainer(family, (c) => {
      const image = own(c, 'image');
      return image === undefined ? undefined : [repository(jsonText(image)!)];
    }),
    command: perContainer(family, joinedWords('command')),
    args: perContainer(family, joinedWords('args')),
    hostPort: perContainer(family, hostPorts),
    privileged: sc('privileged'),
    allowPrivilegeEscalation: sc('allowPrivilegeEscalation'),
    readOnlyFs: sc('readOnlyRootFilesystem'),
    runAsUser: sc('runAsUser'),
    effRunAsUser: perContainer(family, effective('runAsUser', exact)),
    runAsGroup: sc('runAsGroup'),
    effRunAsGroup: perContainer(family, effective('runAsGroup', exact)),
    procMount: sc('procMount'),
    addCapabilities: perContainer(family, atKey(['securityContext', 'capabilities', 'add'])),
  };
}

/** The first container's image, or absent. */
function firstImage(data: unknown): string | undefined {
  const containers = at(data, [...SPEC, 'containers']);
  return Array.isArray(containers) ? jsonText(own(containers[0], 'image')) : undefined;
}

/** Subjects of a binding of one kind, mapped to a name; a missing subjects list is no value. */
function subjects(kind: string, name: (s: Record<string, unknown>) => string | undefined): Binder {
  const keys = ['requestObject', 'subjects'];
  return () => (data) => {
    const all = at(data, keys);
    if (!Array.isArray(all)) return undefined;
    const out: string[] = [];
    for (const s of all) {
      if (!isObject(s) || s.kind !== kind) continue;
      const n = name(s);
      if (n !== undefined) out.push(n);
    }
    return nonEmpty(out);
  };
}
const subjectName = (s: Record<string, unknown>) => (typeof s.name === 'string' ? s.name : undefined);

/** Flattened lists from every rule of a role (or rule [i]): apiGroups, verbs, … */
function ruleItems(key: string): Binder {
  const keys = ['requestObject', 'rules'];
  return (arg) => {
    const index = indexArg(arg);
    return (data) => {
      const rules = at(data, keys);
      if (!Array.isArray(rules)) return undefined;
      const out: string[] = [];
      for (const r of pick(rules, index)) {
        const items = own(r, key);
        if (Array.isArray(items)) for (const x of items) out.push(jsonText(x)!);
      }
      return nonEmpty(out);
    };
  };
}

/** A list of one key of every volume (or volume [i]) that has it. */
function volumeItems(keys: readonly string[]): Binder {
  const volumes = [...SPEC, 'volumes'];
  return (arg) => {
    const index = indexArg(arg);
    return (data) => {
      const all = at(data, volumes);
      if (!Array.isArray(all)) return undefined;
      const out: string[] = [];
      for (const v of pick(all, index)) {
        const x = at(v, keys);
        if (x !== undefined) out.push(jsonText(x)!);
      }
      return nonEmpty(out);
    };
  };
}

const annotation = (key: string) => text(['annotations', key]);
const constant = (value: string): Binder => () => () => value;

function k8sFields(exact: boolean): PluginField[] {
  const c = containerFields('containers', exact);
  const init = containerFields('initContainers', exact);
  const eph = containerFields('ephemeralContainers', exact);
  return [
    field('ka.auditid', 'The unique id of the audit event', text('auditID')),
    field('ka.stage', 'Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)', text('stage')),
    field('ka.auth.decision', 'The authorization decision', annotation('authorization.k8s.io/decision')),
    field('ka.auth.reason', 'The authorization reason', annotation('authorization.k8s.io/reason')),
    field('ka.auth.openshift.decision', 'The authentication decision of the openshfit apiserver extention. Only available on openshift clusters', annotation('authentication.openshift.io/decision')),
    field('ka.validations.admission.policy.failure', 'The validation failure reason from a Validation Admission Policy', annotation('validation.policy.admission.k8s.io/validation_failure')),
    field('ka.security.pod.violations', 'The violation reason for pod security policy ', annotation('pod-security.kubernetes.io/audit-violations')),
    field('ka.auth.openshift.username', 'The user name performing the openshift authentication operation. Only available on openshift clusters', annotation('authentication.openshift.io/username')),
    field('ka.user.name', 'The user name performing the request', text('user.username')),
    field('ka.user.groups', 'The groups to which the user belongs', textList('user.groups'), { list: true }),
    field('ka.impuser.name', 'The impersonated user name', text('impersonatedUser.username')),
    field('ka.verb', 'The action being performed', text('verb')),
    field('ka.uri', 'The request URI as sent from client to server', text('requestURI')),
    field('ka.uri.param', 'The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val).', uriParam, { arg: 'required', argKind: 'key' }),
    field('ka.target.name', 'The target object name', text('objectRef.name')),
    field('ka.target.namespace', 'The target object namespace', text('objectRef.namespace')),
    field('ka.target.resource', 'The target object resource', text('objectRef.resource')),
    field('ka.target.subresource', 'The target object subresource', text('objectRef.subresource')),
    field('ka.target.pod.name', 'The target pod name', targetPodName),
    field('ka.req.binding.subjects', 'When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding', textList('requestObject.subjects'), { list: true }),
    field('ka.req.binding.subjects.user_names', 'When the request object refers to a cluster role binding, the subject user names being linked by the binding', subjects('User', subjectName), { list: true }),
    field('ka.req.binding.subjects.serviceaccount_names', 'When the request object refers to a cluster role binding, the subject service account names being linked by the binding', subjects('ServiceAccount', subjectName), { list: true }),
    field('ka.req.binding.subjects.serviceaccount_ns_names', 'When the request object refers to a cluster role binding, the subject serviceaccount namespaced names being linked by the binding, e.g. a list containing: mynamespace:myserviceaccount', subjects('ServiceAccount', (s) => (typeof s.namespace === 'string' && typeof s.name === 'string' ? `${s.namespace}:${s.name}` : undefined)), { list: true }),
    field('ka.req.binding.subjects.group_names', 'When the request object refers to a cluster role binding, the subject group names being linked by the binding', subjects('Group', subjectName), { list: true }),
    field('ka.req.binding.role', 'When the request object refers to a cluster role binding, the role being linked by the binding', text('requestObject.roleRef.name')),
    field('ka.req.binding.subject.has_name', 'Deprecated, always returns "N/A". Only provided for backwards compatibility', constant('true'), { arg: 'required', argKind: 'key' }),
    field('ka.req.configmap.name', 'If the request object refers to a configmap, the configmap name', text('objectRef.name')),
    field('ka.req.configmap.obj', 'If the request object refers to a configmap, the entire configmap object', text('requestObject.data')),
    indexed('ka.req.pod.containers.args', "When the request object refers to a pod, the container's args.", c.args),
    indexed('ka.req.pod.containers.command', "When the request object refers to a pod, the container's command.", c.command),
    indexed('ka.req.pod.containers.name', "When the request object refers to a pod, the container's names.", c.name),
    indexed('ka.req.pod.containers.image', "When the request object refers to a pod, the container's images.", c.image),
    field('ka.req.container.image', 'Deprecated by ka.req.pod.containers.image. Returns the image of the first container only', () => firstImage),
    indexed('ka.req.pod.containers.image.repository', 'The same as req.container.image, but only the repository part (e.g. falcosecurity/falco).', c.repository),
    field('ka.req.container.image.repository', 'Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only', () => (data) => {
      const image = firstImage(data);
      return image === undefined ? undefined : repository(image);
    }),
    field('ka.req.pod.host_ipc', 'When the request object refers to a pod, the value of the hostIPC flag.', text('requestObject.spec.hostIPC')),
    field('ka.req.pod.host_network', 'When the request object refers to a pod, the value of the hostNetwork flag.', text('requestObject.spec.hostNetwork')),
    field('ka.req.container.host_network', 'Deprecated alias for ka.req.pod.host_network', text('requestObject.spec.hostNetwork')),
    field('ka.req.pod.host_pid', 'When the request object refers to a pod, the value of the hostPID flag.', text('requestObject.spec.hostPID')),
    indexed('ka.req.pod.containers.host_port', "When the request object refers to a pod, all container's hostPort values.", c.hostPort),
    indexed('ka.req.pod.containers.privileged', 'When the request object refers to a pod, the value of the privileged flag for all containers.', c.privileged),
    field('ka.req.container.privileged', 'Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true', anyPrivileged),
    indexed('ka.req.pod.containers.allow_privilege_escalation', 'When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all containers', c.allowPrivilegeEscalation),
    indexed('ka.req.pod.containers.read_only_fs', 'When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all containers', c.readOnlyFs),
    field('ka.req.pod.run_as_user', 'When the request object refers to a pod, the runAsUser uid specified in the security context for the pod. See ....containers.run_as_user for the runAsUser for individual containers', text('requestObject.spec.securityContext.runAsUser')),
    indexed('ka.req.pod.containers.run_as_user', 'When the request object refers to a pod, the runAsUser uid for all containers', c.runAsUser),
    indexed('ka.req.pod.containers.eff_run_as_user', 'When the request object refers to a pod, the initial uid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified', c.effRunAsUser),
    field('ka.req.pod.run_as_group', 'When the request object refers to a pod, the runAsGroup gid specified in the security context for the pod. See ....containers.run_as_group for the runAsGroup for individual containers', text('requestObject.spec.securityContext.runAsGroup')),
    indexed('ka.req.pod.containers.run_as_group', 'When the request object refers to a pod, the runAsGroup gid for all containers', c.runAsGroup),
    indexed('ka.req.pod.containers.eff_run_as_group', 'When the request object refers to a pod, the initial gid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified', c.effRunAsGroup),
    indexed('ka.req.pod.containers.proc_mount', 'When the request object refers to a pod, the procMount types for all containers', c.procMount),
    field('ka.req.role.rules', 'When the request object refers to a role/cluster role, the rules associated with the role', textList('requestObject.rules'), { list: true }),
    indexed('ka.req.role.rules.apiGroups', "When the request object refers to a role/cluster role, the api groups associated with the role's rules", ruleItems('apiGroups')),
    indexed('ka.req.role.rules.nonResourceURLs', "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules", ruleItems('nonResourceURLs')),
    indexed('ka.req.role.rules.verbs', "When the request object refers to a role/cluster role, the verbs associated with the role's rules", ruleItems('verbs')),
    indexed('ka.req.role.rules.resources', "When the request object refers to a role/cluster role, the resources associated with the role's rules", ruleItems('resources')),
    field('ka.req.pod.fs_group', 'When the request object refers to a pod, the fsGroup gid specified by the security context.', text('requestObject.spec.securityContext.fsGroup')),
    field('ka.req.pod.supplemental_groups', 'When the request object refers to a pod, the supplementalGroup gids specified by the security context.', textList('requestObject.spec.securityContext.supplementalGroups'), { list: true }),
    indexed('ka.req.pod.containers.add_capabilities', 'When the request object refers to a pod, all capabilities to add when running the container.', c.addCapabilities),
    field('ka.req.service.type', 'When the request object refers to a service, the service type', text('requestObject.spec.type')),
    indexed('ka.req.service.ports', "When the request object refers to a service, the service's ports", textList('requestObject.spec.ports')),
    indexed('ka.req.pod.volumes.hostpath', 'When the request object refers to a pod, all hostPath paths specified for all volumes', volumeItems(['hostPath', 'path'])),
    field('ka.req.volume.hostpath', 'Deprecated by ka.req.pod.volumes.hostpath. Return true if the provided (host) path prefix is used by any volume', hostPathUsed, { arg: 'required', argKind: 'key' }),
    indexed('ka.req.pod.volumes.flexvolume_driver', 'When the request object refers to a pod, all flexvolume drivers specified for all volumes', volumeItems(['flexVolume', 'driver'])),
    indexed('ka.req.pod.volumes.volume_type', 'When the request object refers to a pod, all volume types for all volumes', volumeTypes),
    field('ka.resp.name', 'The response object name', text('responseObject.metadata.name')),
    field('ka.response.code', 'The response code', text('responseStatus.code')),
    field('ka.response.reason', 'The response reason (usually present only for failures)', text('responseStatus.reason')),
    field('ka.useragent', 'The useragent of the client who made the request to the apiserver', text('userAgent')),
    indexed('ka.sourceips', 'The IP addresses of the client who made the request to the apiserver', exact ? ruleItems('sourceIPs') : textList('sourceIPs')),
    field('ka.cluster.name', 'The name of the k8s cluster', annotation('cluster_name')),
    indexed('ka.req.pod.initContainers.name', 'When the request object refers to a pod, the init containers names.', init.name),
    indexed('ka.req.pod.initContainers.image', 'When the request object refers to a pod, the init containers images.', init.image),
    indexed('ka.req.pod.initContainers.image.repository', 'The same as ka.req.pod.initContainers.image, but only the repository part (e.g. falcosecurity/falco).', init.repository),
    indexed('ka.req.pod.initContainers.command', 'When the request object refers to a pod, the init containers commands.', init.command),
    indexed('ka.req.pod.initContainers.args', 'When the request object refers to a pod, the init containers args.', init.args),
    indexed('ka.req.pod.initContainers.host_port', 'When the request object refers to a pod, all init containers hostPort values.', init.hostPort),
    indexed('ka.req.pod.initContainers.privileged', 'When the request object refers to a pod, the value of the privileged flag for all init containers.', init.privileged),
    indexed('ka.req.pod.initContainers.allow_privilege_escalation', 'When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all init containers.', init.allowPrivilegeEscalation),
    indexed('ka.req.pod.initContainers.read_only_fs', 'When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all init containers.', init.readOnlyFs),
    indexed('ka.req.pod.initContainers.run_as_user', 'When the request object refers to a pod, the runAsUser uid for all init containers.', init.runAsUser),
    indexed('ka.req.pod.initContainers.eff_run_as_user', 'When the request object refers to a pod, the initial uid that will be used for all init containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified.', init.effRunAsUser),
    indexed('ka.req.pod.initContainers.run_as_group', 'When the request object refers to a pod, the runAsGroup gid for all init containers.', init.runAsGroup),
    indexed('ka.req.pod.initContainers.eff_run_as_group', 'When the request object refers to a pod, the initial gid that will be used for all init containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified.', init.effRunAsGroup),
    indexed('ka.req.pod.initContainers.proc_mount', 'When the request object refers to a pod, the procMount type for all init containers.', init.procMount),
    indexed('ka.req.pod.initContainers.add_capabilities', 'When the request object refers to a pod, the capabilities added for all init containers.', init.addCapabilities),
    indexed('ka.req.pod.ephemeralContainers.name', 'When the request object refers to a pod, the ephemeral containers names.', eph.name),
    indexed('ka.req.pod.ephemeralContainers.image', 'When the request object refers to a pod, the ephemeral containers images.', eph.image),
    indexed('ka.req.pod.ephemeralContainers.image.repository', 'The same as ka.req.pod.ephemeralContainers.image, but only the repository part (e.g. falcosecurity/falco).', eph.repository),
    indexed('ka.req.pod.ephemeralContainers.command', 'When the request object refers to a pod, the ephemeral containers commands.', eph.command),
    indexed('ka.req.pod.ephemeralContainers.args', 'When the request object refers to a pod, the ephemeral containers args.', eph.args),
    indexed('ka.req.pod.ephemeralContainers.privileged', 'When the request object refers to a pod, the value of the privileged flag for all ephemeral containers.', eph.privileged),
    indexed('ka.req.pod.ephemeralContainers.allow_privilege_escalation', 'When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all ephemeral containers.', eph.allowPrivilegeEscalation),
    indexed('ka.req.pod.ephemeralContainers.read_only_fs', 'When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all ephemeral containers.', eph.readOnlyFs),
    indexed('ka.req.pod.ephemeralContainers.run_as_user', 'When the request object refers to a pod, the runAsUser uid for all ephemeral containers.', eph.runAsUser),
    indexed('ka.req.pod.ephemeralContainers.eff_run_as_user', 'When the request object refers to a pod, the initial uid that will be used for all ephemeral containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified.', eph.effRunAsUser),
    indexed('ka.req.pod.ephemeralContainers.run_as_group', 'When the request object refers to a pod, the runAsGroup gid for all ephemeral containers.', eph.runAsGroup),
    indexed('ka.req.pod.ephemeralContainers.eff_run_as_group', 'When the request object refers to a pod, the initial gid that will be used for all ephemeral containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified.', eph.effRunAsGroup),
    indexed('ka.req.pod.ephemeralContainers.proc_mount', 'When the request object refers to a pod, the procMount type for all ephemeral containers.', eph.procMount),
    indexed('ka.req.pod.ephemeralContainers.add_capabilities', 'When the request object refers to a pod, the capabilities added for all ephemeral containers.', eph.addCapabilities),
  ];
}

const uriParam: Binder = (arg) => (data) => {
  const uri = own(data, 'requestURI');
  if (uri === undefined) return undefined;
  const s = jsonText(uri)!;
  const q = s.indexOf('?');
  if (q < 0) return undefined;
  const end = s.indexOf('#', q);
  return new URLSearchParams(s.slice(q + 1, end < 0 ? undefined : end)).get(arg!) ?? undefined;
};

const targetPodName: Binder = () => {
  const name = path('responseObject.metadata.name');
  return (data) => {
    const ref = own(data, 'objectRef');
    if (own(ref, 'resource') !== 'pods') return undefined;
    const sub = own(ref, 'subresource');
    if (sub !== undefined && sub !== '') return undefined;
    return jsonText(at(data, name));
  };
};

const anyPrivileged: Binder = () => (data) => {
  const containers = at(data, [...SPEC, 'containers']);
  if (!Array.isArray(containers)) return undefined;
  return containers.some((c) => at(c, ['securityContext', 'privileged']) === true) ? 'true' : 'false';
};

/** "true" when a volume's host path is the argument, or starts with it when it ends in "*". */
const hostPathUsed: Binder = (arg) => {
  const key = arg!;
  const prefix = key.endsWith('*') ? key.slice(0, -1) : undefined;
  const paths = volumeItems(['hostPath', 'path'])(undefined);
  return (data, event) => {
    const all = at(data, [...SPEC, 'volumes']);
    if (!Array.isArray(all)) return undefined;
    const found = (paths(data, event) ?? []) as string[];
    return found.some((p) => p === key || (prefix !== undefined && p.startsWith(prefix))) ? 'true' : 'false';
  };
};

const volumeTypes: Binder = (arg) => {
  const index = indexArg(arg);
  return (data) => {
    const all = at(data, [...SPEC, 'volumes']);
    if (!Array.isArray(all)) return undefined;
    const out: string[] = [];
    for (const v of pick(all, index)) {
      if (!isObject(v)) return undefined;
      for (const k of Object.keys(v)) if (k !== 'name') out.push(k);
    }
    return nonEmpty(out);
  };
};

const auditId = pathReader(['auditID']);
const hasAuditId = (data: unknown) => auditId(data) !== undefined;

export function k8sAuditSource(options: ExtractionOptions = {}): Source {
  return {
    name: 'k8s_audit',
    typeField: 'ka.verb',
    typeKey: 'verb',
    description: 'Kubernetes audit events: Event, EventList; fields of the k8saudit plugin',
    catalog: new FieldCatalog('k8s_audit', [
      ...toFieldDefs(k8sFields(options.falcoBugs ?? false), hasAuditId, [['auditID']]),
      ...eventFields('k8saudit'),
      ...jsonFields,
    ]),
    frame: frameK8s,
    frameMembers: [['kind']],
    ...timeIn('stageTimestamp'),
  };
}

/** An Event is one event, an EventList its items, an array each of its elements. */
export function frameK8s(doc: unknown): unknown[] | undefined {
  if (Array.isArray(doc)) {
    const out: unknown[] = [];
    for (const d of doc) {
      const events = frameK8s(d);
      if (!events || Array.isArray(d)) return undefined;
      out.push(...events);
    }
    return out;
  }
  const kind = own(doc, 'kind');
  if (kind === 'Event') return [doc];
  if (kind === 'EventList') {
    const items = own(doc, 'items');
    return Array.isArray(items) && items.every((i) => own(i, 'kind') === undefined || own(i, 'kind') === 'Event')
      ? items
      : undefined;
  }
  return undefined;
}
