// Storage: Compose mounts → pod volumes and mounts; named volumes →
// PersistentVolumeClaims; secrets and configs → Secrets and ConfigMaps.
import { basename } from 'node:path';
import type { FileObjectConfig, Service, ServiceFileRef } from '../../compose/model.js';
import { parseBytes } from '../../units.js';
import type { ConvertContext } from './context.js';
import type { K8sObject } from './types.js';
import { dataKey, dnsLabel } from './names.js';

/** A claim's size when Compose says nothing (it has no such notion). */
const DEFAULT_CLAIM_SIZE = '1Gi';

export interface PodStorage {
  volumes: Record<string, unknown>[];
  mounts: Record<string, unknown>[];
}

/** The pod volumes and container mounts of one service. */
export function serviceStorage(cx: ConvertContext, name: string, s: Service): PodStorage {
  const out: PodStorage = { volumes: [], mounts: [] };
  const where = `service ${name}`;
  const add = (volName: string, source: Record<string, unknown>, mount: Record<string, unknown>) => {
    if (!out.volumes.some((v) => v.name === volName)) out.volumes.push({ name: volName, ...source });
    out.mounts.push({ name: volName, ...mount });
  };
  (s.volumes ?? []).forEach((v, i) => {
    const ro = v.read_only ? { readOnly: true } : {};
    if (v.type === 'volume' && v.source !== undefined) {
      const claim = cx.volumeNames.get(v.source) ?? dnsLabel(v.source);
      const sub = v.volume?.subpath ? { subPath: v.volume.subpath } : {};
      add(claim, { persistentVolumeClaim: { claimName: claim, ...ro } }, { mountPath: v.target, ...sub, ...ro });
    } else if (v.type === 'volume') {
      add(`anon-${i}`, { emptyDir: {} }, { mountPath: v.target, ...ro });
      cx.findings.warn(where, `anonymous volume at ${v.target} becomes an emptyDir (its data lives as long as the pod)`);
    } else if (v.type === 'bind') {
      add(dnsLabel(`host-${i}`), { hostPath: { path: v.source } }, { mountPath: v.target, ...ro });
      cx.findings.warn(where, `bind mount ${v.source} → ${v.target} becomes a hostPath volume (the path must exist on the node)`);
    } else if (v.type === 'tmpfs') {
      add(`tmpfs-${i}`, { emptyDir: emptyDirOf(v.tmpfs?.size) }, { mountPath: v.target });
    } else {
      cx.findings.drop(where, `${v.type} mount at ${v.target} has no Kubernetes equivalent`);
    }
  });
  (s.tmpfs ?? []).forEach((t, i) => {
    const [target, opts = ''] = splitOnce(t, ':');
    const size = /(?:^|,)size=([^,]+)/.exec(opts)?.[1];
    add(`tmpfs-x${i}`, { emptyDir: emptyDirOf(size) }, { mountPath: target });
  });
  for (const ref of s.secrets ?? []) fileMount(cx, out, where, 'secret', ref, `/run/secrets/`);
  for (const ref of s.configs ?? []) fileMount(cx, out, where, 'config', ref, '/');
  return out;
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function emptyDirOf(size: string | number | undefined): Record<string, unknown> {
  const e: Record<string, unknown> = { medium: 'Memory' };
  if (size !== undefined && size !== '') e.sizeLimit = String(parseBytes(size));
  return e;
}

/** A secret or config file at its target, as one key of its Secret/ConfigMap mounted with subPath. */
function fileMount(cx: ConvertContext, out: PodStorage, where: string, kind: 'secret' | 'config', ref: ServiceFileRef, base: string): void {
  const names = kind === 'secret' ? cx.secretNames : cx.configNames;
  const objName = names.get(ref.source) ?? dnsLabel(ref.source);
  const key = dataKey(ref.source);
  let target = ref.target ?? `${base}${ref.source}`;
  if (!target.startsWith('/')) target = `${base}${target}`;
  if (ref.uid !== undefined || ref.gid !== undefined) cx.findings.drop(where, `${kind} ${ref.source}: uid/gid of the file are not translated (use the pod's fsGroup)`);
  const item: Record<string, unknown> = { key, path: key };
  if (ref.mode !== undefined) item.mode = ref.mode;
  const volName = dnsLabel(`${kind}-${objName}`);
  const source = kind === 'secret'
    ? { secret: { secretName: objName, items: [item] } }
    : { configMap: { name: objName, items: [item] } };
  if (!out.volumes.some((v) => v.name === volName)) out.volumes.push({ name: volName, ...source });
  else { // the same object mounted twice: one volume with every key it needs
    const v = out.volumes.find((x) => x.name === volName)!;
    const items = ((v.secret ?? v.configMap) as { items: Record<string, unknown>[] }).items;
    if (!items.some((x) => x.key === key && x.mode === item.mode)) items.push(item);
  }
  out.mounts.push({ name: volName, mountPath: target, subPath: key, readOnly: true });
}

/** PersistentVolumeClaims of the named volumes the converted services mount. */
/** `used`: volume key → the services that mount it (a claim several mount must be ReadWriteMany). */
export function claims(cx: ConvertContext, used: Map<string, Set<string>>): K8sObject[] {
  const out: K8sObject[] = [];
  for (const key of [...used.keys()].sort()) {
    const v = cx.project.volumes[key];
    if (!v) continue;
    const where = `volume ${key}`;
    const claim = cx.volumeNames.get(key)!;
    if (v.external) {
      cx.findings.warn(where, `external: the PersistentVolumeClaim ${claim} must exist in the namespace`);
      continue;
    }
    if (v.driver && v.driver !== 'local') cx.findings.drop(where, `driver ${v.driver} is not translated (the cluster's default StorageClass is used)`);
    if (v.driver_opts && Object.keys(v.driver_opts).length > 0) cx.findings.drop(where, 'driver_opts are not translated');
    const users = [...used.get(key)!].sort();
    const shared = users.length > 1;
    if (shared) cx.findings.warn(where, `mounted by ${users.join(', ')}: the claim is ReadWriteMany, which the cluster's StorageClass must support`);
    out.push(cx.object('v1', 'PersistentVolumeClaim', cx.meta(claim, undefined, v.labels), {
      spec: { accessModes: [shared ? 'ReadWriteMany' : 'ReadWriteOnce'], resources: { requests: { storage: DEFAULT_CLAIM_SIZE } } },
    }));
  }
  return out;
}

/** Secrets and ConfigMaps of the secrets and configs the converted services use. */
export function fileObjects(cx: ConvertContext, kind: 'secret' | 'config', used: Set<string>): K8sObject[] {
  const defs = kind === 'secret' ? cx.project.secrets : cx.project.configs;
  const names = kind === 'secret' ? cx.secretNames : cx.configNames;
  const out: K8sObject[] = [];
  for (const key of [...used].sort()) {
    const def = defs[key];
    if (!def) continue;
    const where = `${kind} ${key}`;
    const name = names.get(key)!;
    if (def.external) {
      cx.findings.warn(where, `external: the ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${name} must exist in the namespace, with the key ${dataKey(key)}`);
      continue;
    }
    const content = contentOf(cx, where, def);
    if (content === undefined) continue;
    const k = dataKey(key);
    const meta = cx.meta(name, undefined, def.labels as Record<string, string> | undefined);
    if (kind === 'secret') out.push(cx.object('v1', 'Secret', meta, { type: 'Opaque', data: { [k]: content.toString('base64') } }));
    else if (isUtf8(content)) out.push(cx.object('v1', 'ConfigMap', meta, { data: { [k]: content.toString('utf8') } }));
    else out.push(cx.object('v1', 'ConfigMap', meta, { binaryData: { [k]: content.toString('base64') } }));
  }
  return out;
}

function contentOf(cx: ConvertContext, where: string, def: FileObjectConfig): Buffer | undefined {
  if (def.content !== undefined) return Buffer.from(def.content);
  if (def.environment !== undefined) {
    const v = cx.project.environment[def.environment] ?? cx.options.env?.[def.environment];
    if (v === undefined) { cx.findings.drop(where, `variable ${def.environment} is not set`); return undefined; }
    return Buffer.from(v);
  }
  if (def.file !== undefined) {
    try { return cx.options.readFile(def.file); } catch (e) {
      cx.findings.drop(where, `cannot read ${basename(def.file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return undefined;
    }
  }
  cx.findings.drop(where, 'has neither file, environment nor content');
  return undefined;
}

function isUtf8(b: Buffer): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(b); return true; } catch { return false; }
}
