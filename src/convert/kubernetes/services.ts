// Names and ports → Kubernetes Services. Every converted service gets a
// ClusterIP Service under its own name, so that the others reach it by name
// as in Compose (headless when it declares no port: the name still resolves
// to its pods). Network aliases get Services of their own. Ports published on
// the host also get a LoadBalancer Service, `<name>-published`, with the
// published port in front of the container port.
import type { Service } from '../../compose/model.js';
import type { ConvertContext } from './context.js';
import { containerPorts } from './container.js';
import { dnsLabel } from './names.js';
import type { K8sObject } from './types.js';

function portName(port: number, protocol: string): string {
  return `${protocol.toLowerCase()}-${port}`;
}

/** The Services of one converted service (the first is the one named after it). */
export function servicesOf(cx: ConvertContext, name: string, s: Service): K8sObject[] {
  const k8sName = cx.serviceNames.get(name)!;
  const selector = cx.labels(name);
  const ports = containerPorts(s).map((p) => ({ name: portName(p.containerPort, p.protocol), port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol }));
  const clusterSpec = ports.length > 0 ? { selector, ports } : { selector, clusterIP: 'None' };
  const out = [cx.object('v1', 'Service', cx.meta(k8sName, name), { spec: clusterSpec })];
  const aliases = new Set<string>();
  for (const net of Object.values(s.networks ?? {})) for (const a of net?.aliases ?? []) aliases.add(a);
  const taken = new Set(cx.serviceNames.values());
  for (const a of [...aliases].sort()) {
    const aliasName = dnsLabel(a);
    if (taken.has(aliasName)) { cx.findings.drop(`service ${name}`, `alias ${a} is also a service's name`); continue; }
    if (aliasName !== a) cx.findings.warn(`service ${name}`, `alias ${a} becomes the Service name ${aliasName}`);
    taken.add(aliasName);
    out.push(cx.object('v1', 'Service', cx.meta(aliasName, name), { spec: { ...clusterSpec } }));
  }
  const published = publishedPorts(cx, name, s);
  if (published.length > 0) {
    out.push(cx.object('v1', 'Service', cx.meta(dnsLabel(`${k8sName}-published`), name), {
      spec: { type: 'LoadBalancer', selector, ports: published },
    }));
  }
  return out;
}

/** Ports published on the host: the published port (or the target when random) in front of the target. */
function publishedPorts(cx: ConvertContext, name: string, s: Service): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const p of s.ports ?? []) {
    const protocol = p.protocol.toUpperCase();
    if (p.host_ip && /^(127\.|::1$|localhost$)/.test(p.host_ip)) {
      cx.findings.warn(`service ${name}`, `port ${p.target} is published on ${p.host_ip} only: it stays inside the cluster (the ClusterIP Service; kubectl port-forward reaches it)`);
      continue;
    }
    if (p.published === undefined && p.mode !== 'host') continue; // a random host port: the ClusterIP Service serves it
    const first = p.published === undefined ? p.target : Number(p.published.split('-')[0]);
    if (p.published?.includes('-')) cx.findings.warn(`service ${name}`, `published range ${p.published} → the first port, ${first}`);
    if (seen.has(`${first}/${protocol}`)) continue;
    seen.add(`${first}/${protocol}`);
    out.push({ name: portName(first, protocol), port: first, targetPort: p.target, protocol });
  }
  return out;
}
