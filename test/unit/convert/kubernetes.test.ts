// `berth convert --format kubernetes`: golden manifests for the examples and
// a broad project, every object checked against the Kubernetes API schemas
// (kubernetes-models, offline), names checked against Kubernetes' rules, and
// the NetworkPolicies evaluated against the Compose network graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/env.js';
import { loadProject } from '../../../src/compose/project.js';
import type { Project } from '../../../src/compose/model.js';
import { toKubernetes, type K8sObject } from '../../../src/convert/kubernetes/index.js';
import { dnsLabel, labelValue, uniqueLabels } from '../../../src/convert/kubernetes/names.js';
import { toYaml } from '../../../src/compose/output.js';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';

const update = process.env.BERTH_UPDATE_GOLDEN === '1';
const goldenDir = join(repoRoot, 'test/unit/convert/golden');

const CASES: Array<{ name: string; files: string[] }> = [
  { name: 'broad', files: ['test/unit/convert/golden/broad/compose.yaml'] },
  { name: 'quickstart', files: ['examples/quickstart/compose.yaml'] },
  { name: 'multi-file', files: ['examples/multi-file/compose.yaml', 'examples/multi-file/compose.override.yaml'] },
];

async function load(files: string[]): Promise<Project> {
  return loadProject({ files: files.map((f) => join(repoRoot, f)), env: {}, workingDir: repoRoot });
}

async function convert(files: string[]) {
  const project = await load(files);
  return { project, result: toKubernetes(project, { readFile: (p) => readFileSync(p), env: {} }) };
}

/** The manifests and findings as text, with the checkout's path made neutral. */
function render(r: ReturnType<typeof toKubernetes>): string {
  const text = r.objects.map((o) => `---\n${toYaml(o)}`).join('')
    + r.warnings.map((w) => `# warning: ${w}\n`).join('') + r.dropped.map((d) => `# not translated: ${d}\n`).join('');
  return text.replaceAll(repoRoot.replace(/\/$/, ''), '<repo>');
}

for (const c of CASES) {
  test(`convert golden: ${c.name}`, async () => {
    const { result } = await convert(c.files);
    const file = join(goldenDir, `${c.name}.k8s.yaml`);
    const got = render(result);
    if (update) writeFileSync(file, got);
    assert.ok(existsSync(file), `${file} is missing: BERTH_UPDATE_GOLDEN=1 writes it`);
    assert.equal(got, readFileSync(file, 'utf8'));
  });
}

const MODELS: Record<string, { validate(): void } & (new (o: unknown) => { validate(): void })> = {
  'v1/Service': core.Service, 'v1/PersistentVolumeClaim': core.PersistentVolumeClaim, 'v1/Secret': core.Secret,
  'v1/ConfigMap': core.ConfigMap, 'apps/v1/Deployment': apps.Deployment, 'apps/v1/StatefulSet': apps.StatefulSet,
  'batch/v1/Job': batch.Job, 'networking.k8s.io/v1/NetworkPolicy': networking.NetworkPolicy,
} as never;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function checkLabels(where: string, labels: Record<string, string> | undefined) {
  for (const [k, v] of Object.entries(labels ?? {})) {
    assert.match(k, LABEL_KEY, `${where}: label key ${k}`);
    assert.match(v, LABEL_VALUE, `${where}: label value ${v}`);
  }
}

function checkNames(o: K8sObject) {
  const where = `${o.kind}/${o.metadata.name}`;
  assert.match(o.metadata.name, DNS_LABEL, where);
  checkLabels(where, o.metadata.labels);
  const pod = (o.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec: Record<string, unknown> } } | undefined)?.template;
  if (!pod) return;
  checkLabels(`${where} pod`, pod.metadata?.labels);
  const containers = [...((pod.spec.containers ?? []) as Array<Record<string, unknown>>), ...((pod.spec.initContainers ?? []) as Array<Record<string, unknown>>)];
  for (const c of containers) assert.match(c.name as string, DNS_LABEL, `${where} container`);
  const volumes = (pod.spec.volumes ?? []) as Array<{ name: string }>;
  for (const v of volumes) assert.match(v.name, DNS_LABEL, `${where} volume`);
  assert.equal(new Set(volumes.map((v) => v.name)).size, volumes.length, `${where}: volume names are unique`);
  for (const c of containers) {
    for (const m of (c.volumeMounts ?? []) as Array<{ name: string }>) assert.ok(volumes.some((v) => v.name === m.name), `${where}: mount of ${m.name} has a volume`);
  }
}

for (const c of CASES) {
  test(`convert ${c.name}: every object validates against the Kubernetes API schema and naming rules`, async () => {
    const { result } = await convert(c.files);
    assert.ok(result.objects.length > 0);
    const seen = new Set<string>();
    for (const o of result.objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      assert.ok(Model, `no schema for ${o.apiVersion} ${o.kind}`);
      assert.doesNotThrow(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`);
      checkNames(o);
      const id = `${o.kind}/${o.metadata.name}`;
      assert.ok(!seen.has(id), `${id} is written once`);
      seen.add(id);
      assert.ok(o.metadata.labels?.['com.docker.compose.project'], `${id} carries the project label`);
    }
  });
}

// --- NetworkPolicy semantics ---

interface Pod { service: string; labels: Record<string, string> }

const matches = (sel: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
  Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown; ipBlock?: unknown };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: unknown[] };
type PolicySpec = { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] };

/** Kubernetes' rule: a pod selected by no policy of a type allows all of it; else some rule must admit the peer. */
function allowed(policies: PolicySpec[], dir: 'Ingress' | 'Egress', subject: Pod, peer: Pod, port?: number): boolean {
  const applying = policies.filter((p) => p.policyTypes.includes(dir) && matches(p.podSelector, subject.labels));
  if (applying.length === 0) return true;
  return applying.some((p) => ((dir === 'Ingress' ? p.ingress : p.egress) ?? []).some((r) => {
    const peers = dir === 'Ingress' ? r.from : r.to;
    const portOk = !r.ports || (port !== undefined && (r.ports as Array<{ port: number }>).some((x) => x.port === port));
    const peerOk = !peers || peers.some((x) => x.podSelector !== undefined && x.namespaceSelector === undefined && matches(x.podSelector, peer.labels));
    return portOk && peerOk;
  }));
}

test('convert: NetworkPolicies reproduce Compose isolation (shared networks, internal egress, published ports)', async () => {
  const { project, result } = await convert(['test/unit/convert/golden/broad/compose.yaml']);
  const policies = result.objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.spec as PolicySpec);
  const pods: Pod[] = result.objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind)).map((o) => ({
    service: o.metadata.labels!['com.docker.compose.service']!,
    labels: (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels,
  }));
  assert.equal(pods.length, Object.keys(project.services).length);
  const nets = (s: string) => new Set(Object.keys(project.services[s]!.networks ?? {}));
  let pairs = 0;
  for (const a of pods) for (const b of pods) {
    if (a === b) continue;
    const share = [...nets(a.service)].some((n) => nets(b.service).has(n));
    // An unpublished port: only a shared network lets b in to a.
    assert.equal(allowed(policies, 'Ingress', a, b, 1), share, `${b.service} → ${a.service} (ingress)`);
    const onlyInternal = nets(a.service).size > 0 && [...nets(a.service)].every((n) => project.networks[n]!.internal);
    assert.equal(allowed(policies, 'Egress', a, b), onlyInternal ? share : true, `${a.service} → ${b.service} (egress)`);
    pairs++;
  }
  assert.ok(pairs >= 30);
  // Published ports are open to anyone; db (internal network only) is not.
  const outsider: Pod = { service: 'outside', labels: {} };
  const proxy = pods.find((p) => p.service === 'proxy')!;
  assert.equal(allowed(policies, 'Ingress', proxy, outsider, 8080), true);
  assert.equal(allowed(policies, 'Ingress', proxy, outsider, 9090), false, 'a port published on 127.0.0.1 stays closed');
  assert.equal(allowed(policies, 'Ingress', pods.find((p) => p.service === 'db')!, outsider, 5432), false);
});

test('convert: names are DNS-1123 labels, deterministic, and distinct names stay distinct', () => {
  assert.equal(dnsLabel('My_Service.v2'), 'my-service-v2');
  assert.equal(dnsLabel('web'), 'web');
  const long = 'a'.repeat(80);
  assert.equal(dnsLabel(long).length, 63);
  assert.equal(dnsLabel(long), dnsLabel(long));
  assert.notEqual(dnsLabel(long), dnsLabel(`${'a'.repeat(79)}b`));
  const m = uniqueLabels(['my_app', 'my-app', 'other']);
  assert.equal(m.get('my-app'), 'my-app');
  assert.notEqual(m.get('my_app'), 'my-app');
  assert.match(m.get('my_app')!, DNS_LABEL);
  assert.equal(m.get('other'), 'other');
  assert.equal(labelValue('shop_app'), 'shop_app');
  assert.match(labelValue('_x_'), LABEL_VALUE);
  assert.match(labelValue('b'.repeat(100)), LABEL_VALUE);
});

test('convert: workloads by restart policy and volumes; what cannot be translated is reported', async () => {
  const { result } = await convert(['test/unit/convert/golden/broad/compose.yaml']);
  const kind = (n: string) => result.objects.find((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind) && o.metadata.name === n)?.kind;
  assert.equal(kind('db'), 'StatefulSet');
  assert.equal(kind('web'), 'Deployment');
  assert.equal(kind('migrate'), 'Job');
  assert.ok(result.dropped.some((d) => d.startsWith('service metrics: network_mode "host"')));
  assert.ok(result.dropped.some((d) => d.startsWith('service db: user "postgres"')));
  const secret = result.objects.find((o) => o.kind === 'Secret')!;
  assert.equal(Buffer.from((secret.data as Record<string, string>).db_password!, 'base64').toString(), 's3cr3t\n');
});
