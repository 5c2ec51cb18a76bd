// Compose secrets and configs as read-only bind mounts: a `file` source is
// mounted as it is; `environment` and `content` sources are written under
// <root>/projects/<project>/files/<container id>/ (mode from the service's
// reference, 0444 by default) and removed with the container.
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Project, Service, ServiceFileRef } from '../compose/model.js';
import type { MountInput } from '../container/types.js';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';

function filesDir(paths: StatePaths, project: string, id: string): string {
  return join(paths.projects, project, 'files', id);
}

export function removeFileObjects(paths: StatePaths, project: string, id: string): void {
  rmSync(filesDir(paths, project, id), { recursive: true, force: true });
}

function targetOf(kind: 'secrets' | 'configs', ref: ServiceFileRef): string {
  const t = ref.target ?? ref.source;
  if (posix.isAbsolute(t)) return posix.normalize(t);
  if (t.split('/').includes('..')) throw new BerthError(`${kind} ${ref.source}: target "${t}" must not contain ".."`);
  return kind === 'secrets' ? `/run/secrets/${t}` : `/${t}`;
}

/**
 * Compose without a swarm refuses external secrets and configs for a service
 * (they live in the swarm's store): the error naming both, or undefined.
 */
export function externalFileObjectError(project: Project, service: string): string | undefined {
  const s = project.services[service];
  for (const kind of ['secrets', 'configs'] as const) {
    for (const ref of s?.[kind] ?? []) {
      const def = project[kind][ref.source];
      if (!def?.external) continue;
      const named = def.name && def.name !== ref.source ? ` (name "${def.name}")` : '';
      return `service "${service}": unsupported external ${kind.slice(0, -1)} "${ref.source}"${named}: external secrets and configs need a swarm; use file, environment or content`;
    }
  }
  return undefined;
}

export function fileObjectMounts(paths: StatePaths, project: Project, s: Service, id: string): MountInput[] {
  const out: MountInput[] = [];
  for (const kind of ['secrets', 'configs'] as const) {
    for (const ref of s[kind] ?? []) {
      const def = project[kind][ref.source];
      if (!def) throw new BerthError(`service refers to undefined ${kind.slice(0, -1)} ${ref.source}`);
      if (def.external) throw new BerthError(externalFileObjectError(project, Object.keys(project.services).find((n) => project.services[n] === s) ?? '?')!);
      const target = targetOf(kind, ref);
      if (def.file !== undefined) {
        if (!existsSync(def.file)) throw new BerthError(`${kind.slice(0, -1)} ${ref.source}: file ${def.file} does not exist`);
        out.push({ type: 'bind', source: def.file, target, readOnly: true });
        continue;
      }
      let content: string;
      if (def.content !== undefined) content = def.content;
      else if (def.environment !== undefined) {
        const v = project.environment[def.environment] ?? process.env[def.environment];
        if (v === undefined) throw new BerthError(`${kind.slice(0, -1)} ${ref.source}: environment variable ${def.environment} is not set`);
        content = v;
      } else throw new BerthError(`${kind.slice(0, -1)} ${ref.source}: no file, environment or content source`);
      const dir = filesDir(paths, project.name, id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const host = join(dir, `${kind}-${ref.source}`);
      writeFileSync(host, content, { mode: 0o600 });
      chmodSync(host, ref.mode ?? 0o444);
      if (ref.uid !== undefined || ref.gid !== undefined) chownSync(host, Number(ref.uid ?? 0), Number(ref.gid ?? 0));
      out.push({ type: 'bind', source: host, target, readOnly: true });
    }
  }
  return out;
}
