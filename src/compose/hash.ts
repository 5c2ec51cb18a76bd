// A stable per-service configuration hash: the reconciler recreates a
// container when it changes. sha256 over canonical JSON (keys sorted at every
// level) of the normalized service, leaving out what must not force a
// recreation: scale / deploy.replicas (scaling adds or removes containers),
// depends_on (start order only), profiles (selection only), build and
// pull_policy (how the image is obtained; the image itself is in the hash),
// and develop (berth watch settings).
import { BerthError } from '../errors.js';
import type { Project, Service } from './model.js';
import { sha256Hex } from '../hashing.js';

const EXCLUDED = ['scale', 'depends_on', 'profiles', 'build', 'pull_policy', 'develop'];

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function hashService(s: Service): string {
  // No restart policy is "no": hashed as such so that writing it or not recreates nothing.
  const copy: Record<string, unknown> = { ...s, restart: s.restart ?? 'no' };
  for (const k of EXCLUDED) delete copy[k];
  if (copy.deploy && typeof copy.deploy === 'object') {
    const d = { ...(copy.deploy as Record<string, unknown>) };
    delete d.replicas;
    copy.deploy = d;
  }
  return sha256Hex(canonical(copy));
}

export function serviceConfigHash(project: Project, serviceName: string): string {
  const s = Object.hasOwn(project.services, serviceName) ? project.services[serviceName] : undefined;
  if (!s) throw new BerthError(`no such service: ${serviceName}`);
  return hashService(s);
}
