// The container's root filesystem: an overlay of the image layers (read-only
// lowers) and the container's own upper dir, mounted under the runtime dir.
import { mkdirSync, readFileSync } from 'node:fs';
import { MNT, mountOverlay, umount2 } from '../native/mount.js';
import { isMountRoot } from '../native/fs-ops.js';
import { BerthError } from '../errors.js';

/** Mount points (decoded) from /proc/self/mountinfo. */
function mountPoints(): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.push(f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

/**
 * Whether something is mounted on `path`: one statx, where reading the
 * mount table cost ~1 ms per call with a few containers running and grows
 * with every mount on the host.
 */
export function isMounted(path: string): boolean {
  return isMountRoot(path) ?? mountPoints().includes(path);
}

/** Mount points at or below `dir`. */
export function mountsUnder(dir: string): string[] {
  return mountPoints().filter((m) => m === dir || m.startsWith(dir + '/'));
}

export async function mountRootfs(o: { base: string; lower: string[]; upper: string; work: string; target: string }): Promise<void> {
  for (const d of [o.upper, o.work, o.target]) mkdirSync(d, { recursive: true, mode: 0o755 });
  if (o.lower.length === 0) throw new BerthError('the image has no layers: cannot make a root filesystem');
  try {
    await mountOverlay({ base: o.base, lower: o.lower, upper: o.upper, work: o.work, target: o.target });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'E2BIG') throw new BerthError(err.message);
    throw new BerthError(`mounting the root filesystem: ${err.message}`);
  }
}

/** Unmounts everything at or below `dir`, deepest first; lazily when busy. Idempotent. */
export async function unmountAll(dir: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    const mounts = mountsUnder(dir).sort((a, b) => b.length - a.length);
    if (mounts.length === 0) return;
    for (const m of mounts) {
      try {
        await umount2(m, 0);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EINVAL' || code === 'ENOENT') continue; // already gone
        if (code === 'EBUSY') await umount2(m, MNT.DETACH).catch(() => undefined);
        else throw e;
      }
    }
  }
  const left = mountsUnder(dir);
  if (left.length) throw new BerthError(`could not unmount ${left.join(', ')}`);
}
