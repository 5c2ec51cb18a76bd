// `berth convert --format kubernetes`: the normalized Compose project as
// Kubernetes manifests. Pure apart from reading secret and config files
// through options.readFile; what cannot be translated is reported, not
// guessed (docs/convert.md).
import type { Project } from '../../compose/model.js';
import { ConvertContext } from './context.js';
import { claims, fileObjects } from './storage.js';
import { servicesOf } from './services.js';
import { networkPolicies } from './policies.js';
import { workloadOf } from './workload.js';
import type { ConvertOptions, ConvertResult, K8sObject } from './types.js';

export type { ConvertOptions, ConvertResult, K8sObject } from './types.js';

/** The order objects are written in: what others refer to first. */
const KIND_ORDER = ['ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Service', 'StatefulSet', 'Deployment', 'Job', 'NetworkPolicy'];

export function toKubernetes(project: Project, options: ConvertOptions): ConvertResult {
  const cx = new ConvertContext(project, options);
  const names = Object.keys(project.services).sort();
  const objects: K8sObject[] = [];
  const volumes = new Map<string, Set<string>>();
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const name of names) {
    const s = project.services[name]!;
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source !== undefined) volumes.set(v.source, (volumes.get(v.source) ?? new Set()).add(name));
    for (const r of s.secrets ?? []) secrets.add(r.source);
    for (const r of s.configs ?? []) configs.add(r.source);
    const svcs = servicesOf(cx, name, s);
    objects.push(...svcs, workloadOf(cx, name, s, svcs[0]!.metadata.name));
  }
  for (const [key, n] of Object.entries(project.networks)) {
    if (n.external) cx.findings.warn(`network ${key}`, 'external: translated as a group of pods like any other network');
    if (n.ipam?.config?.length || (n.driver && n.driver !== 'bridge')) cx.findings.drop(`network ${key}`, 'driver and IPAM settings are not translated (the cluster network assigns addresses)');
  }
  objects.push(...claims(cx, volumes), ...fileObjects(cx, 'secret', secrets), ...fileObjects(cx, 'config', configs));
  objects.push(...networkPolicies(cx, names));
  const rank = (o: K8sObject) => KIND_ORDER.indexOf(o.kind);
  objects.sort((a, b) => rank(a) - rank(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return { objects, dropped: cx.findings.dropped, warnings: cx.findings.warnings };
}
