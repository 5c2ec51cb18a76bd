// Compose's network isolation as NetworkPolicies. In Compose, containers
// reach each other only across a network they share, and a container whose
// networks are all `internal` reaches nothing outside them. Policies are
// allow-lists that add up, so: one policy denies all ingress to the
// project's pods; one per network lets the pods labelled as its members in
// from each other; published ports are let in from anywhere; and services
// whose networks are all internal get an egress policy limited to their
// networks' members (and the cluster's DNS, so names still resolve).
import type { ConvertContext } from './context.js';
import { NETWORK_LABEL_PREFIX } from './context.js';
import { dnsLabel } from './names.js';
import type { K8sObject } from './types.js';

const API = 'networking.k8s.io/v1';

const member = (cx: ConvertContext, key: string) => ({ [`${NETWORK_LABEL_PREFIX}${cx.networkNames.get(key)!}`]: 'true' });

export function networkPolicies(cx: ConvertContext, services: string[]): K8sObject[] {
  const p = cx.project;
  const prefix = dnsLabel(p.name);
  const out: K8sObject[] = [
    cx.object(API, 'NetworkPolicy', cx.meta(dnsLabel(`${prefix}-default-deny`)), {
      spec: { podSelector: { matchLabels: cx.labels() }, policyTypes: ['Ingress'] },
    }),
  ];
  const used = new Set<string>();
  for (const name of services) for (const key of Object.keys(p.services[name]!.networks ?? {})) used.add(key);
  for (const key of [...used].sort()) {
    const sel = { matchLabels: member(cx, key) };
    out.push(cx.object(API, 'NetworkPolicy', cx.meta(dnsLabel(`${prefix}-network-${cx.networkNames.get(key)!}`)), {
      spec: { podSelector: sel, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel }] }] },
    }));
  }
  for (const name of services) {
    const s = p.services[name]!;
    const k8sName = cx.serviceNames.get(name)!;
    const published = (s.ports ?? []).filter((x) => !(x.host_ip && /^(127\.|::1$)/.test(x.host_ip)) && (x.published !== undefined || x.mode === 'host'));
    if (published.length > 0) {
      const ports = [...new Set(published.map((x) => `${x.target}/${x.protocol.toUpperCase()}`))].map((k) => {
        const [port, protocol] = k.split('/');
        return { port: Number(port), protocol };
      });
      out.push(cx.object(API, 'NetworkPolicy', cx.meta(dnsLabel(`${k8sName}-published`), name), {
        spec: { podSelector: { matchLabels: cx.labels(name) }, policyTypes: ['Ingress'], ingress: [{ ports }] },
      }));
    }
    const nets = Object.keys(s.networks ?? {});
    if (nets.length > 0 && nets.every((k) => p.networks[k]?.internal)) {
      const to = nets.map((k) => ({ podSelector: { matchLabels: member(cx, k) } }));
      const dns = { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
      out.push(cx.object(API, 'NetworkPolicy', cx.meta(dnsLabel(`${k8sName}-internal`), name), {
        spec: { podSelector: { matchLabels: cx.labels(name) }, policyTypes: ['Egress'], egress: [{ to }, dns] },
      }));
    }
  }
  return out;
}
