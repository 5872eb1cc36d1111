import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogFor, findSource, sourceWith, type VigilEvent } from '../../src/sources/index.js';
import { loadRules } from '../../src/rules/index.js';
import { engineFor } from '../../src/engine/index.js';
import { holds, readAll, shared, value } from './helpers.js';

const k8s = findSource('k8s_audit')!;
const falcoExact = sourceWith('k8s_audit', { falcoBugs: true })!;
const traces = shared('conformance/falco/k8s_audit/traces');

async function trace(name: string): Promise<VigilEvent[]> {
  const { events, errors } = await readAll(k8s, `${traces}/${name}.json`);
  assert.deepEqual(errors, []);
  return events;
}
async function first(name: string): Promise<VigilEvent> {
  return (await trace(name))[0]!;
}

test('every trace reads as audit events, except the one that is not an audit event', async () => {
  const { events, errors } = await readAll(k8s, traces);
  assert.equal(events.length, 40);
  assert.ok(events.every((e) => e.source === 'k8s_audit' && typeof e.timeNs === 'bigint'));
  assert.deepEqual(errors.map((e) => e.message), [`${traces}/fal_01_003.json:1: data not recognized as a k8s audit event`]);
  // Files come in name order, lines in order; the origin names both.
  assert.equal(events[0]!.origin, `${traces}/attach_cluster_admin_role.json:1`);
  assert.equal(events.filter((e) => e.origin?.includes('create_configmap_sensitive_values.json')).map((e) => e.origin!.split(':').pop()).join(),
    '1,2,3,4,5,6');
});

test('request metadata fields of a pod creation', async () => {
  const e = await first('create_nginx_pod_privileged_2nd_container');
  assert.equal(value(k8s, e, 'ka.auditid'), (e.data as { auditID: string }).auditID);
  assert.equal(value(k8s, e, 'ka.stage'), 'ResponseComplete');
  assert.equal(value(k8s, e, 'ka.verb'), 'create');
  assert.equal(value(k8s, e, 'ka.uri'), '/api/v1/namespaces/default/pods');
  assert.equal(value(k8s, e, 'ka.user.name'), 'system:serviceaccount:kube-system:replicaset-controller');
  assert.deepEqual(value(k8s, e, 'ka.user.groups'), ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']);
  assert.equal(value(k8s, e, 'ka.target.resource'), 'pods');
  assert.equal(value(k8s, e, 'ka.target.namespace'), 'default');
  assert.equal(value(k8s, e, 'ka.target.name'), undefined); // objectRef has no name on a create
  assert.equal(value(k8s, e, 'ka.target.subresource'), undefined);
  assert.equal(value(k8s, e, 'ka.target.pod.name'), 'nginx-deployment-544b59f8b8-ffkxm');
  assert.equal(value(k8s, e, 'ka.resp.name'), 'nginx-deployment-544b59f8b8-ffkxm');
  assert.equal(value(k8s, e, 'ka.response.code'), '201'); // a number, as text
  assert.equal(value(k8s, e, 'ka.impuser.name'), undefined);
  assert.equal(e.timeNs, 1540489987006845000n); // stageTimestamp 2018-10-25T17:53:07.006845Z
});

test('container fields are lists, one entry per container; an index picks one container', async () => {
  const e = await first('create_nginx_pod_privileged_2nd_container');
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.name'), ['nginx1', 'mysql']);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.image'), ['nginx', 'mysql:latest']);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.image.repository'), ['nginx', 'mysql']);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.image', '1'), ['mysql:latest']);
  assert.equal(value(k8s, e, 'ka.req.pod.containers.image', '2'), undefined); // out of range
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.privileged'), ['false', 'true']);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.privileged', '0'), ['false']);
  assert.equal(value(k8s, e, 'ka.req.container.privileged'), 'true'); // any container
  assert.equal(value(k8s, e, 'ka.req.container.image'), 'nginx'); // first container only
  assert.equal(value(k8s, e, 'ka.req.container.image.repository'), 'nginx');
  // Keys no container sets: no value at all (not an empty list).
  assert.equal(value(k8s, e, 'ka.req.pod.containers.allow_privilege_escalation'), undefined);
  assert.equal(value(k8s, e, 'ka.req.pod.containers.command'), undefined);
  assert.equal(value(k8s, e, 'ka.req.pod.containers.host_port'), undefined);
  assert.equal(value(k8s, e, 'ka.req.pod.containers.add_capabilities'), undefined);
  assert.equal(value(k8s, e, 'ka.req.pod.initContainers.name'), undefined);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.containers.eff_run_as_user'), ['0', '0']);
  // Pod-level flags that are not set are absent; set ones are "true"/"false".
  assert.equal(value(k8s, e, 'ka.req.pod.host_network'), undefined);
  assert.equal(value(k8s, await first('create_nginx_pod_hostnetwork'), 'ka.req.pod.host_network'), 'true');
  assert.equal(value(k8s, await first('create_nginx_pod_hostnetwork'), 'ka.req.container.host_network'), 'true');
  assert.equal(value(k8s, await first('create_nginx_pod_hostnetwork'), 'ka.req.pod.containers.privileged'), undefined);
  assert.equal(value(k8s, await first('create_nginx_pod_hostnetwork'), 'ka.req.container.privileged'), 'false');
});

test('conditions over container lists: in is every value, intersects is any', async () => {
  const two = await first('create_nginx_pod_privileged_2nd_container');
  const none = await first('create_nginx_pod_hostnetwork');
  assert.equal(holds(k8s, 'ka.req.pod.containers.privileged intersects (true)', two), true);
  assert.equal(holds(k8s, 'ka.req.pod.containers.privileged in (true)', two), false);
  assert.equal(holds(k8s, 'ka.req.pod.containers.privileged[1] in (true)', two), true);
  assert.equal(holds(k8s, 'ka.req.pod.containers.privileged intersects (true)', none), false);
  assert.equal(holds(k8s, 'ka.req.pod.containers.privileged exists', none), false);
  assert.equal(holds(k8s, 'not ka.req.pod.containers.privileged intersects (true)', none), true);
  assert.equal(holds(k8s, 'ka.req.pod.containers.image.repository in (nginx, mysql, redis)', two), true);
  assert.equal(holds(k8s, 'ka.verb=create and ka.target.resource=pods and ka.req.pod.host_network=true', none), true);
  assert.equal(holds(k8s, 'ka.target.name != foo', two), false); // absent: every comparison is false
  assert.equal(holds(k8s, 'ka.user.groups intersects (system:masters)', two), false);
  assert.equal(holds(k8s, 'ka.response.code >= 200', two), true);
});

test('volumes: host paths, the deprecated prefix test, volume types', async () => {
  const e = await first('create_nginx_pod_sensitive_mount');
  assert.deepEqual(value(k8s, e, 'ka.req.pod.volumes.hostpath'), ['/etc']);
  assert.deepEqual(value(k8s, e, 'ka.req.pod.volumes.hostpath', '0'), ['/etc']);
  assert.equal(value(k8s, e, 'ka.req.pod.volumes.hostpath', '1'), undefined);
  assert.equal(value(k8s, e, 'ka.req.volume.hostpath', '/etc'), 'true');
  assert.equal(value(k8s, e, 'ka.req.volume.hostpath', '/et*'), 'true');
  assert.equal(value(k8s, e, 'ka.req.volume.hostpath', '/et'), 'false');
  assert.deepEqual(value(k8s, e, 'ka.req.pod.volumes.volume_type'), ['hostPath']);
  assert.equal(value(k8s, e, 'ka.req.pod.volumes.flexvolume_driver'), undefined);
  assert.equal(holds(k8s, 'ka.req.pod.volumes.hostpath intersects (/proc, /etc, /var/run/docker.sock)', e), true);
  assert.equal(holds(k8s, 'ka.req.pod.volumes.hostpath exists', await first('create_nginx_pod_unprivileged')), false);
});

test('role bindings: subjects by kind, role', async () => {
  const e = await first('attach_cluster_admin_role');
  assert.deepEqual(value(k8s, e, 'ka.req.binding.subjects'), ['{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"}']);
  assert.deepEqual(value(k8s, e, 'ka.req.binding.subjects.user_names'), ['minikube']);
  assert.equal(value(k8s, e, 'ka.req.binding.subjects.group_names'), undefined);
  assert.equal(value(k8s, e, 'ka.req.binding.subjects.serviceaccount_names'), undefined);
  assert.equal(value(k8s, e, 'ka.req.binding.subjects.serviceaccount_ns_names'), undefined);
  assert.equal(value(k8s, e, 'ka.req.binding.role'), 'cluster-admin');
  assert.equal(value(k8s, e, 'ka.req.binding.subject.has_name', 'anything'), 'true');
  assert.equal(holds(k8s, 'ka.req.binding.role=cluster-admin and ka.req.binding.subjects.user_names intersects (minikube)', e), true);
});

test('roles: rules as JSON text, flattened rule members, one rule by index', async () => {
  const e = await first('create_cluster_role_wildcard_resources');
  assert.deepEqual(value(k8s, e, 'ka.req.role.rules'), [
    '{"apiGroups":[""],"resources":["*"],"verbs":["get","list"]}',
    '{"nonResourceURLs":["/api","/api/*","/apis","/apis/*","/healthz","/openapi","/openapi/*","/swagger-2.0.0.pb-v1","/swagger.json","/swaggerapi","/swaggerapi/*","/version","/version/"],"verbs":["get"]}',
  ]);
  assert.deepEqual(value(k8s, e, 'ka.req.role.rules.verbs'), ['get', 'list', 'get']);
  assert.deepEqual(value(k8s, e, 'ka.req.role.rules.verbs', '1'), ['get']);
  assert.deepEqual(value(k8s, e, 'ka.req.role.rules.resources'), ['*']);
  assert.deepEqual(value(k8s, e, 'ka.req.role.rules.apiGroups'), ['']);
  assert.equal(value(k8s, e, 'ka.req.role.rules.nonResourceURLs', '0'), undefined);
  assert.equal((value(k8s, e, 'ka.req.role.rules.nonResourceURLs') as string[]).length, 13);
  assert.equal(holds(k8s, 'ka.req.role.rules.resources intersects ("*")', e), true);
  assert.equal(holds(k8s, 'ka.req.role.rules.verbs intersects (create, update, patch, delete)', e), false);
});

test('rules written for Falco 0.31 compare a list field as text, with a warning; today\'s rules may not', async () => {
  const wildcard = await first('create_cluster_role_wildcard_resources');
  const rules = (version: string) => `${version}
- rule: Wildcard role
  desc: d
  condition: ka.req.role.rules.resources contains '"*"' and not ka.req.role.rules.verbs contains create
  output: "%ka.req.role.rules.verbs"
  priority: warning
  source: k8s_audit
`;
  const load = (version: string) => loadRules([{ name: 'r.yaml', content: rules(version) }], { catalogs: catalogFor });
  const legacy = load('- required_engine_version: 2');
  assert.ok(legacy.successful, legacy.errors.map((e) => e.message).join());
  assert.deepEqual(legacy.warnings.filter((w) => w.code === 'LOAD_COMPILE_CONDITION').map((w) => w.message), [
    `'contains' on the list field 'ka.req.role.rules.resources' compares the JSON text of its values, as Falco 0.31 did; use 'intersects' or 'in' instead`,
    `'contains' on the list field 'ka.req.role.rules.verbs' compares the JSON text of its values, as Falco 0.31 did; use 'intersects' or 'in' instead`,
  ]);
  const engine = engineFor(legacy);
  const fired = (data: unknown) => engine.evaluate({ source: 'k8s_audit', data, timeNs: wildcard.timeNs }).map((a) => a.output_fields);
  assert.deepEqual(fired(wildcard.data), [{ 'ka.req.role.rules.verbs': '(get,list,get)' }]);
  const withRules = (rules: unknown[]) => ({ ...(wildcard.data as object), requestObject: { rules } });
  assert.deepEqual(fired(withRules([{ resources: ['*'], verbs: ['create'] }])), []);
  assert.deepEqual(fired(withRules([{ resources: ['pods'], verbs: ['get'] }])), []);
  assert.equal(fired(withRules([{ resources: ['pods'], verbs: ['get'] }, { resources: ['*'], verbs: ['list'] }])).length, 1);
  for (const today of ['', '- required_engine_version: 15']) {
    assert.deepEqual(load(today).errors.map((e) => e.message), ["filter error: 'contains' operator not supported list filters"]);
  }
});

test('services, configmaps, annotations, query parameters', async () => {
  const svc = await first('create_nginx_service_nodeport');
  assert.equal(value(k8s, svc, 'ka.req.service.type'), 'NodePort');
  assert.deepEqual(value(k8s, svc, 'ka.req.service.ports'), ['{"nodePort":30080,"port":80,"protocol":"TCP","targetPort":80}']);
  assert.deepEqual(value(k8s, svc, 'ka.req.service.ports', '0'), ['{"nodePort":30080,"port":80,"protocol":"TCP","targetPort":80}']);
  const cm = await first('create_configmap_sensitive_values');
  assert.equal(value(k8s, cm, 'ka.req.configmap.name'), 'my-config');
  assert.equal(value(k8s, cm, 'ka.req.configmap.obj'), JSON.stringify((cm.data as { requestObject: { data: unknown } }).requestObject.data));
  assert.match(value(k8s, cm, 'ka.req.configmap.obj') as string, /^\{"access.properties":"aws_access_key_id = MY-ID\\naws_secret/);
  assert.equal(value(k8s, cm, 'ka.auth.decision'), 'allow');
  assert.equal(value(k8s, cm, 'ka.auth.reason'), ''); // present and empty
  assert.equal(value(k8s, cm, 'ka.cluster.name'), undefined);
  assert.equal(holds(k8s, 'ka.req.configmap.obj contains aws_access_key_id', cm), true);
  const attach = await first('attach_pod');
  assert.equal(value(k8s, attach, 'ka.target.subresource'), 'attach');
  assert.equal(value(k8s, attach, 'ka.target.pod.name'), undefined); // a subresource: not the pod itself
  assert.equal(value(k8s, attach, 'ka.uri.param', 'container'), 'nginx1');
  assert.equal(value(k8s, attach, 'ka.uri.param', 'stdin'), 'true');
  assert.equal(value(k8s, attach, 'ka.uri.param', 'tty'), undefined);
  assert.equal(holds(k8s, 'ka.target.subresource in (exec, attach) and ka.uri.param[stdin]=true', attach), true);
});

test('without auditID no ka.* field has a value; the json fields still do', async () => {
  const e = await first('create_nginx_pod_privileged_2nd_container');
  const data = { ...(e.data as Record<string, unknown>) };
  delete data.auditID;
  assert.equal(value(k8s, data, 'ka.verb'), undefined);
  assert.equal(value(k8s, data, 'ka.req.pod.containers.image'), undefined);
  assert.equal(value(k8s, data, 'jevt.value', '/verb'), 'create');
  assert.equal(value(k8s, data, 'json.value', '/requestObject/spec/containers/1/securityContext/privileged'), 'true');
  assert.equal(holds(k8s, 'ka.verb exists', data), false);
  assert.equal(holds(k8s, 'jevt.value[/objectRef/resource]=pods', data), true);
});

test('falcoBugs: ka.sourceips and eff_run_as_user as upstream extracts them, and as they should be', async () => {
  const e = await first('create_nginx_pod_privileged_2nd_container');
  assert.deepEqual(value(k8s, e, 'ka.sourceips'), ['::1']);
  assert.deepEqual(value(k8s, e, 'ka.sourceips', '0'), ['::1']);
  assert.equal(value(falcoExact, e, 'ka.sourceips'), undefined); // upstream reads requestObject.rules[*].sourceIPs
  const pod = {
    auditID: 'x', kind: 'Event',
    requestObject: { spec: {
      securityContext: { runAsUser: 1000, runAsGroup: 3000 },
      containers: [{ name: 'a', securityContext: { runAsUser: 0 } }, { name: 'b' }, { name: 'c', runAsUser: 7 }],
    } },
  };
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.eff_run_as_user'), ['0', '1000', '1000']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.eff_run_as_group'), ['3000', '3000', '3000']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.eff_run_as_user', '1'), ['1000']);
  assert.deepEqual(value(falcoExact, pod, 'ka.req.pod.containers.eff_run_as_user'), ['0', '0', '7']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.run_as_user'), ['0']);
  assert.equal(value(k8s, pod, 'ka.req.pod.run_as_user'), '1000');
});

test('commands, args, ports and capabilities of a pod spec', () => {
  const pod = {
    auditID: 'x',
    requestObject: { spec: {
      containers: [
        { name: 'a', image: 'registry:5000/team/app@sha256:abc', command: ['sh', '-c'], args: ['echo', 'hi'],
          ports: [{ containerPort: 80 }, { containerPort: 443, hostPort: 8443 }],
          securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] }, procMount: 'Unmasked', allowPrivilegeEscalation: true } },
        { name: 'b', image: 'busybox@sha256:def', command: ['sleep', 1] },
      ],
      initContainers: [{ name: 'init', image: 'alpine:3', command: ['true'] }],
      ephemeralContainers: [{ name: 'dbg', image: 'nicolaka/netshoot', securityContext: { privileged: true } }],
      volumes: [{ name: 'v', flexVolume: { driver: 'x/y' } }, { name: 'w', emptyDir: {}, configMap: { name: 'c' } }],
      hostPID: false, securityContext: { supplementalGroups: [5, 6], fsGroup: 2000 },
    } },
  };
  // A non-string command element makes the whole field fail, as upstream.
  assert.equal(value(k8s, pod, 'ka.req.pod.containers.command'), undefined);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.command', '0'), ['sh -c']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.args'), ['echo hi']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.host_port'), ['80', '8443']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.add_capabilities'), ['["NET_ADMIN","SYS_TIME"]']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.proc_mount'), ['Unmasked']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.allow_privilege_escalation'), ['true']);
  // Repository: cut at the first ":" then at the first "@" (so a registry port cuts early, as upstream).
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.containers.image.repository'), ['registry', 'busybox']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.initContainers.command'), ['true']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.initContainers.image.repository'), ['alpine']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.ephemeralContainers.privileged'), ['true']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.ephemeralContainers.name'), ['dbg']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.volumes.flexvolume_driver'), ['x/y']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.volumes.volume_type'), ['flexVolume', 'emptyDir', 'configMap']);
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.volumes.volume_type', '1'), ['emptyDir', 'configMap']);
  assert.equal(value(k8s, pod, 'ka.req.volume.hostpath', '/'), 'false');
  assert.equal(value(k8s, pod, 'ka.req.pod.host_pid'), 'false');
  assert.deepEqual(value(k8s, pod, 'ka.req.pod.supplemental_groups'), ['5', '6']);
  assert.equal(value(k8s, pod, 'ka.req.pod.fs_group'), '2000');
  assert.equal(holds(k8s, 'ka.req.pod.containers.add_capabilities intersects (\'["NET_ADMIN","SYS_TIME"]\')', pod), true);
  assert.equal(holds(k8s, 'ka.req.pod.ephemeralContainers.privileged intersects (true)', pod), true);
});

test('framing: an EventList is its items, an array its elements; anything else is not an audit event', () => {
  const ev = { kind: 'Event', auditID: 'a', stageTimestamp: '2024-01-02T03:04:05.123456789Z' };
  assert.deepEqual(k8s.frame({ kind: 'EventList', items: [{ auditID: 'a' }, { auditID: 'b' }] }), [{ auditID: 'a' }, { auditID: 'b' }]);
  assert.deepEqual(k8s.frame([ev, { kind: 'EventList', items: [ev] }]), [ev, ev]);
  assert.deepEqual(k8s.frame(ev), [ev]);
  assert.equal(k8s.frame({ kind: 0 }), undefined);
  assert.equal(k8s.frame({ Records: [] }), undefined);
  assert.equal(k8s.time!(ev), 1704164645123456789n);
});
