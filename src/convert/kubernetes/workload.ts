// One Compose service → its workload: a Deployment, a StatefulSet (one
// replica that mounts a named volume: its data has one owner), or a Job
// (`restart: "no"` and `on-failure` services run to completion).
import type { Service } from '../../compose/model.js';
import { parseBytes, parseDuration } from '../../units.js';
import type { ConvertContext } from './context.js';
import { NETWORK_LABEL_PREFIX } from './context.js';
import { containerOf, containerPorts } from './container.js';
import { serviceStorage } from './storage.js';
import type { K8sObject } from './types.js';

/** The image an init container uses to wait for a dependency's port. */
const WAIT_IMAGE = 'busybox:1.36';

/** Compose keys with no Kubernetes equivalent, and why (checked before converting). */
const UNTRANSLATABLE: Array<[keyof Service & string, (s: Service) => string | undefined]> = [
  ['network_mode', (s) => (s.network_mode && s.network_mode !== 'bridge' ? `network_mode "${s.network_mode}" has no Kubernetes equivalent` : undefined)],
  ['pid', (s) => (s.pid ? `pid "${s.pid}" is not translated` : undefined)],
  ['ipc', (s) => (s.ipc && s.ipc !== 'private' && s.ipc !== 'shareable' ? `ipc "${s.ipc}" is not translated` : undefined)],
  ['devices', (s) => (s.devices?.length ? `devices (${s.devices.map((d) => d.source).join(', ')}) are not translated` : undefined)],
  ['gpus', (s) => (s.gpus?.length ? 'gpus are not translated (use the cluster\'s device plugin resources)' : undefined)],
  ['ulimits', (s) => (s.ulimits && Object.keys(s.ulimits).length ? 'ulimits are not translated' : undefined)],
  ['volumes_from', (s) => (s.volumes_from?.length ? 'volumes_from is not translated' : undefined)],
  ['links', (s) => (s.links?.length ? 'links are not translated (services reach each other by name)' : undefined)],
  ['external_links', (s) => (s.external_links?.length ? 'external_links are not translated' : undefined)],
  ['logging', (s) => (s.logging?.driver && s.logging.driver !== 'json-file' ? `logging driver ${s.logging.driver} is not translated` : undefined)],
  ['cgroup_parent', (s) => (s.cgroup_parent ? 'cgroup_parent is not translated' : undefined)],
  ['userns_mode', (s) => (s.userns_mode ? 'userns_mode is not translated' : undefined)],
  ['platform', (s) => (s.platform ? `platform ${s.platform} is not translated (use a nodeSelector on kubernetes.io/arch)` : undefined)],
];

function replicasOf(s: Service): number {
  return s.scale ?? s.deploy?.replicas ?? 1;
}

type Kind = 'Deployment' | 'StatefulSet' | 'Job';

function workloadKind(s: Service): Kind {
  const r = s.restart;
  if (r === 'no' || (r !== undefined && r.startsWith('on-failure'))) return 'Job';
  const namedVolume = (s.volumes ?? []).some((v) => v.type === 'volume' && v.source !== undefined);
  return namedVolume && replicasOf(s) === 1 ? 'StatefulSet' : 'Deployment';
}

/** The service's image; a build without an image name is kept as <project>-<service> and reported. */
function imageOf(cx: ConvertContext, name: string, s: Service): string {
  if (s.image) return s.image;
  const local = `${cx.project.name}-${name}`;
  cx.findings.drop(`service ${name}`, `build without an image name: the manifests use "${local}", which must be pushed where the cluster can pull it`);
  return local;
}

function podLabels(cx: ConvertContext, name: string, s: Service): Record<string, string> {
  const l = cx.labels(name);
  for (const key of Object.keys(s.networks ?? {})) {
    const n = cx.networkNames.get(key);
    if (n) l[`${NETWORK_LABEL_PREFIX}${n}`] = 'true';
  }
  return l;
}

/** Init containers that wait for a healthy dependency's Service (ready pods only are behind it). */
function waitFor(cx: ConvertContext, name: string, s: Service): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
    const target = cx.project.services[dep];
    if (!target || d.condition !== 'service_healthy') continue;
    const port = containerPorts(target).find((p) => p.protocol === 'TCP');
    const host = cx.serviceNames.get(dep)!;
    if (!port) {
      cx.findings.warn(`service ${name}`, `depends_on ${dep} (service_healthy) is not enforced: ${dep} has no TCP port to wait for`);
      continue;
    }
    out.push({
      name: `wait-for-${host}`.slice(0, 63).replace(/-+$/, ''),
      image: WAIT_IMAGE,
      command: ['sh', '-c', `until nc -z -w 2 ${host} ${port.containerPort}; do echo waiting for ${host}; sleep 2; done`],
    });
  }
  return out;
}

function podSpec(cx: ConvertContext, name: string, s: Service, kind: Kind): Record<string, unknown> {
  const where = `service ${name}`;
  for (const [, check] of UNTRANSLATABLE) { const why = check(s); if (why) cx.findings.drop(where, why); }
  if (s.init) cx.findings.warn(where, 'init: true has no field in Kubernetes: the image\'s entrypoint is PID 1 (or set shareProcessNamespace: true, which makes the pause container reap)');
  const storage = serviceStorage(cx, name, s);
  if (s.shm_size !== undefined) {
    storage.volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: String(parseBytes(s.shm_size)) } });
    storage.mounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  }
  const spec: Record<string, unknown> = {};
  const init = waitFor(cx, name, s);
  if (init.length > 0) spec.initContainers = init;
  spec.containers = [containerOf(cx, name, s, imageOf(cx, name, s), storage.mounts)];
  if (storage.volumes.length > 0) spec.volumes = storage.volumes;
  if (kind === 'Job') spec.restartPolicy = s.restart === 'no' ? 'Never' : 'OnFailure';
  if (s.hostname) spec.hostname = s.hostname.toLowerCase();
  if (s.domainname) cx.findings.drop(where, 'domainname is not translated');
  if (s.stop_grace_period !== undefined) spec.terminationGracePeriodSeconds = Math.ceil(parseDuration(s.stop_grace_period) / 1e9);
  const hosts = hostAliases(s.extra_hosts ?? []);
  if (hosts.length > 0) spec.hostAliases = hosts;
  const dns: Record<string, unknown> = {};
  if (s.dns?.length) dns.nameservers = s.dns;
  if (s.dns_search?.length) dns.searches = s.dns_search;
  if (s.dns_opt?.length) dns.options = s.dns_opt.map((o) => { const [n, v] = o.split(':'); return v === undefined ? { name: n } : { name: n, value: v }; });
  if (Object.keys(dns).length > 0) spec.dnsConfig = dns;
  if (s.sysctls && Object.keys(s.sysctls).length > 0) {
    spec.securityContext = { sysctls: Object.entries(s.sysctls).map(([k, v]) => ({ name: k, value: String(v) })) };
    cx.findings.warn(where, 'sysctls other than the safe set must be allowed by the kubelet (--allowed-unsafe-sysctls)');
  }
  if (s.group_add?.length) {
    const ids = s.group_add.filter((g) => /^\d+$/.test(g)).map(Number);
    if (ids.length > 0) spec.securityContext = { ...(spec.securityContext as object), supplementalGroups: ids };
    if (ids.length < s.group_add.length) cx.findings.drop(where, 'group_add by name is not translated (numeric gids only)');
  }
  return spec;
}

/** "host=ip" / "host:ip" entries → hostAliases, one per address. */
function hostAliases(entries: string[]): Array<{ ip: string; hostnames: string[] }> {
  const byIp = new Map<string, string[]>();
  for (const e of entries) {
    const i = e.indexOf('=') >= 0 ? e.indexOf('=') : e.indexOf(':');
    if (i < 0) continue;
    const host = e.slice(0, i);
    const ip = e.slice(i + 1).replace(/^\[|\]$/g, '');
    byIp.set(ip, [...(byIp.get(ip) ?? []), host]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}

function annotationsOf(s: Service): Record<string, string> {
  return { ...(s.labels ?? {}), ...(s.annotations ?? {}) };
}

/** The workload of one service. `serviceName`: the Service a StatefulSet is governed by. */
export function workloadOf(cx: ConvertContext, name: string, s: Service, serviceName: string): K8sObject {
  const kind = workloadKind(s);
  const k8sName = cx.serviceNames.get(name)!;
  const template = {
    metadata: { labels: podLabels(cx, name, s), ...(Object.keys(annotationsOf(s)).length ? { annotations: annotationsOf(s) } : {}) },
    spec: podSpec(cx, name, s, kind),
  };
  const deployLabels = (s.deploy?.labels ?? {}) as Record<string, string>;
  const meta = cx.meta(k8sName, name, Object.keys(deployLabels).length ? deployLabels : undefined);
  if (kind === 'Job') {
    const spec: Record<string, unknown> = { template };
    const m = /^on-failure:(\d+)$/.exec(s.restart ?? '');
    spec.backoffLimit = s.restart === 'no' ? 0 : m ? Number(m[1]) : 6;
    const n = replicasOf(s);
    if (n !== 1) { spec.completions = n; spec.parallelism = n; }
    return cx.object('batch/v1', 'Job', meta, { spec });
  }
  const spec: Record<string, unknown> = { replicas: replicasOf(s), selector: { matchLabels: cx.labels(name) } };
  if (kind === 'StatefulSet') spec.serviceName = serviceName;
  spec.template = template;
  return cx.object('apps/v1', kind, meta, { spec });
}
