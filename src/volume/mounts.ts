// A service's volumes (Compose long syntax, already normalized by the Compose
// layer) and tmpfs entries → the plain MountSpec list the container layer
// turns into OCI mounts. Named and anonymous volumes are created here when
// missing; anonymous ones are inherited from the container being replaced.
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import { BerthError } from '../errors.js';
import type { VolumeStore } from './store.js';

/** One entry of a service's `volumes`, in Compose's normalized long syntax. */
export interface ServiceVolumeInput {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Volume key (type volume; absent = anonymous) or absolute host path (type bind). */
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number | string; mode?: number };
}

export interface MountSpec {
  type: 'bind' | 'tmpfs';
  /** Host path (bind) or "tmpfs". */
  source: string;
  /** Absolute path inside the container. */
  target: string;
  /** OCI mount options, e.g. ["rbind", "rprivate", "ro"] or ["nosuid", "nodev", "noexec", "size=65536k"]. */
  options: string[];
  /** For volumes: which one, and whether the image's content at target is copied into it while empty. */
  volume?: { name: string; anonymous: boolean; copyUp: boolean };
}

export interface MountContext {
  store: VolumeStore;
  /** Compose volume key → the volume's real name (DesiredVolume.name). */
  projectVolumes: Record<string, string>;
  /** Labels for anonymous volumes created here (project, service...). */
  anonymousLabels?: Record<string, string>;
  /** The replaced container's anonymous volumes by target, reused unless renew is set. */
  previousAnonymous?: Record<string, string>;
  renewAnonVolumes?: boolean;
}

export interface ResolvedMounts {
  mounts: MountSpec[];
  /** Anonymous volumes by target (record these on the container for the next recreate). */
  anonymous: Record<string, string>;
}

const PROPAGATION = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);
const TMPFS_FLAGS = new Set(['rw', 'ro', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'noatime', 'relatime']);
const TMPFS_VALUE = /^(size=\d+[kmg%]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+|nr_inodes=\d+[kmg]?)$/i;

function checkTarget(target: string): string {
  if (!target || !posix.isAbsolute(target)) throw new BerthError(`invalid mount target "${target}": it must be an absolute path`);
  return posix.normalize(target).replace(/(.)\/$/, '$1');
}

function bindMount(v: ServiceVolumeInput, target: string): MountSpec {
  const src = v.source ?? '';
  if (!isAbsolute(src)) throw new BerthError(`invalid bind mount for ${target}: source "${src}" must be an absolute path`);
  if (!existsSync(src)) {
    if (!v.bind?.create_host_path) throw new BerthError(`invalid mount config for type "bind": bind source path does not exist: ${src}`);
    mkdirSync(src, { recursive: true });
  }
  const propagation = v.bind?.propagation ?? 'rprivate';
  if (!PROPAGATION.has(propagation)) throw new BerthError(`invalid bind propagation "${propagation}" for ${target} (valid: ${[...PROPAGATION].join(', ')})`);
  return { type: 'bind', source: src, target, options: ['rbind', propagation, ...(v.read_only ? ['ro'] : [])] };
}

function tmpfsSize(size: number | string, target: string): string {
  if (typeof size === 'number' && Number.isInteger(size) && size > 0) return `size=${size}`;
  if (typeof size === 'string' && /^\d+[kmg]?$/i.test(size)) return `size=${size.toLowerCase()}`;
  throw new BerthError(`invalid tmpfs size ${JSON.stringify(size)} for ${target}`);
}

function tmpfsMount(v: ServiceVolumeInput, target: string): MountSpec {
  const options = ['nosuid', 'nodev', 'noexec'];
  if (v.tmpfs?.size !== undefined) options.push(tmpfsSize(v.tmpfs.size, target));
  if (v.tmpfs?.mode !== undefined) {
    if (!Number.isInteger(v.tmpfs.mode) || v.tmpfs.mode < 0 || v.tmpfs.mode > 0o7777) throw new BerthError(`invalid tmpfs mode ${v.tmpfs.mode} for ${target}`);
    options.push(`mode=${v.tmpfs.mode.toString(8).padStart(4, '0')}`);
  }
  if (v.read_only) options.push('ro');
  return { type: 'tmpfs', source: 'tmpfs', target, options };
}

/** A service's `tmpfs:` entry, "path" or "path:opt,opt" (options checked against an allowlist). */
export function parseTmpfsEntry(entry: string): MountSpec {
  const colon = entry.indexOf(':');
  const target = checkTarget(colon < 0 ? entry : entry.slice(0, colon));
  const given = colon < 0 ? [] : entry.slice(colon + 1).split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of given) {
    if (!TMPFS_FLAGS.has(o) && !TMPFS_VALUE.test(o)) throw new BerthError(`invalid tmpfs option "${o}" for ${target}`);
  }
  const defaults = ['nosuid', 'nodev', 'noexec'].filter((d) => !given.includes(d.slice(2)));
  return { type: 'tmpfs', source: 'tmpfs', target, options: [...defaults, ...given] };
}

/** A subpath inside a volume must stay inside it, even through symlinks. */
function subpathOf(root: string, sub: string, volume: string): string {
  if (isAbsolute(sub) || sub.split('/').includes('..')) throw new BerthError(`volume ${volume}: subpath "${sub}" must be relative and must not contain ".."`);
  const full = join(root, sub);
  if (!existsSync(full)) throw new BerthError(`volume ${volume}: subpath "${sub}" does not exist in the volume`);
  const real = realpathSync(full);
  const rel = relative(realpathSync(root), real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new BerthError(`volume ${volume}: subpath "${sub}" leads outside the volume`);
  if (!statSync(real).isDirectory() && !statSync(real).isFile()) throw new BerthError(`volume ${volume}: subpath "${sub}" is not a file or directory`);
  return real;
}

async function volumeMount(v: ServiceVolumeInput, target: string, ctx: MountContext, anonymous: Record<string, string>): Promise<MountSpec> {
  let name: string;
  let anon = false;
  if (!v.source) {
    anon = true;
    const previous = ctx.renewAnonVolumes ? undefined : ctx.previousAnonymous?.[target];
    name = previous && ctx.store.get(previous) ? previous : ctx.store.create(undefined, { labels: ctx.anonymousLabels }).name;
    anonymous[target] = name;
  } else {
    const real = ctx.projectVolumes[v.source];
    if (!real) throw new BerthError(`service volume ${v.source}:${target} refers to undefined volume "${v.source}"`);
    name = real;
    if (!ctx.store.get(name)) throw new BerthError(`volume ${name} does not exist; run "berth up" to create the project's volumes`);
  }
  let source = await ctx.store.prepare(name);
  if (v.volume?.subpath) source = subpathOf(source, v.volume.subpath, name);
  return {
    type: 'bind', source, target,
    options: ['rbind', 'rprivate', ...(v.read_only ? ['ro'] : [])],
    volume: { name, anonymous: anon, copyUp: !v.volume?.nocopy && !v.volume?.subpath },
  };
}

/** Resolves a service's volumes and tmpfs entries; a duplicate target is an error. */
export async function resolveMounts(volumes: ServiceVolumeInput[], tmpfs: string[], ctx: MountContext): Promise<ResolvedMounts> {
  const mounts: MountSpec[] = [];
  const anonymous: Record<string, string> = {};
  const seen = new Set<string>();
  const add = (m: MountSpec) => {
    if (seen.has(m.target)) throw new BerthError(`duplicate mount point: ${m.target}`);
    seen.add(m.target);
    mounts.push(m);
  };
  for (const v of volumes) {
    const target = checkTarget(v.target);
    if (seen.has(target)) throw new BerthError(`duplicate mount point: ${target}`);
    switch (v.type) {
      case 'bind': add(bindMount(v, target)); break;
      case 'tmpfs': add(tmpfsMount(v, target)); break;
      case 'volume': add(await volumeMount(v, target, ctx, anonymous)); break;
      default: throw new BerthError(`mount type "${v.type}" for ${target} is not supported`);
    }
  }
  for (const t of tmpfs) add(parseTmpfsEntry(t));
  return { mounts, anonymous };
}

/**
 * volumes_from: another container's volumes and binds (not its tmpfs) at the
 * same targets; `ro` makes them all read-only, `rw` keeps each one's mode.
 */
export function volumesFromMounts(source: MountSpec[], mode: 'ro' | 'rw' = 'rw'): MountSpec[] {
  return source.filter((m) => m.type === 'bind').map((m) => ({
    ...m,
    options: mode === 'ro' && !m.options.includes('ro') ? [...m.options, 'ro'] : [...m.options],
  }));
}

/** The container's own mounts win over inherited ones at the same target (as in Docker). */
export function mergeMounts(own: MountSpec[], inherited: MountSpec[]): MountSpec[] {
  const targets = new Set(own.map((m) => m.target));
  const out = [...own];
  for (const m of inherited) {
    if (targets.has(m.target)) continue;
    targets.add(m.target);
    out.push(m);
  }
  return out;
}
