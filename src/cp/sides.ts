// The two ends of a copy. A host path is used as given; a container path is
// resolved inside the container's root the way the kernel would after
// chroot (secureJoin): symlinks and ".." can never lead out of it. The root
// is /proc/<pid>/root for a running container (its mounts and volumes
// included), else the container's overlay mount.
import { existsSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import { secureJoin } from '../container/secure-join.js';

export interface Side {
  /** How the user wrote it (for messages). */
  label: string;
  /** Host path of `p` (a path on this side, absolute or relative to the side's working dir). */
  resolve(p: string, followLast: boolean): string;
  /** Host path of `rel` below `base` (a host path from resolve), never leaving the side's root; the last component is not followed. */
  below(base: string, rel: string): string;
  inContainer: boolean;
  /** True for a host path the side never copies from (the container's /proc and /sys). */
  excluded(host: string): boolean;
  /** A host path of this side as the user knows it (inside a container: its container path, never the store's). */
  show(host: string): string;
}

export function hostSide(): Side {
  return {
    label: 'host',
    inContainer: false,
    show: (host) => host,
    resolve: (p) => resolve(p),
    excluded: () => false,
    below: (base, rel) => resolve(base, rel),
  };
}

/** `root`: the container's root on the host; `cwd`: its working directory (relative paths). */
export function containerSide(name: string, root: string, cwd = '/'): Side {
  if (!existsSync(root)) throw new BerthError(`container ${name}: its root filesystem is not available (is it running, or mounted?)`);
  const abs = (p: string) => posix.resolve(cwd, p);
  // /proc and /sys inside a running container are the kernel's own files
  // (through /proc/<pid>/root a write would reach them as host root): never copied.
  const kernel = (host: string) => /^\/(proc|sys)(\/|$)/.test(toContainer(root, host));
  const guard = (host: string): string => {
    if (kernel(host)) throw new BerthError(`container ${name}: copying to or from ${toContainer(root, host)} is not allowed (a kernel file system)`);
    return host;
  };
  return {
    label: name,
    inContainer: true,
    show: (host) => { try { return `${name}:${toContainer(root, host)}`; } catch { return `${name}:?`; } },
    excluded: kernel,
    resolve: (p, followLast) => {
      const a = abs(p);
      if (followLast || a === '/') return guard(secureJoin(root, a));
      // The last component is taken as it is (a symlink is copied as a symlink, as docker cp does).
      const parent = secureJoin(root, posix.dirname(a));
      return guard(`${parent === '/' ? '' : parent}/${posix.basename(a)}`);
    },
    below: (base, rel) => {
      const a = posix.join(toContainer(root, base), rel);
      const parent = secureJoin(root, posix.dirname(a));
      return guard(posix.basename(a) === '' ? parent : `${parent === '/' ? '' : parent}/${posix.basename(a)}`);
    },
  };
}

/**
 * A file system error of a copy, its paths shown as the user knows them:
 * "EACCES: permission denied, open 'web:/etc/x'", never the store's paths.
 */
export function copyError(e: unknown, sides: Side[]): Error {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (!err?.code) return e as Error;
  const show = (p: string) => {
    const side = sides.find((s) => s.inContainer && !s.show(p).endsWith(':?')) ?? sides.find((s) => !s.inContainer);
    return side ? side.show(p) : p;
  };
  const paths = [err.path, err.dest].filter((p): p is string => typeof p === 'string').map(show);
  return new BerthError(`${err.code}: ${err.syscall ?? 'copy'} ${paths.map((p) => `'${p}'`).join(' -> ')}`.trim());
}

/** The container path of a host path under `root`. */
function toContainer(root: string, host: string): string {
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  if (host === r) return '/';
  if (!host.startsWith(`${r}/`)) throw new BerthError('a path resolved outside the container\'s root filesystem');
  return host.slice(r.length);
}

