// The host's device nodes, which a privileged container gets (as Docker
// does): every char/block node under /dev except the per-container
// filesystems (pts, shm, mqueue) and the console, which the runtime provides.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OciDevice } from './oci-types.js';

const SKIP = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/dev/.lxc', '/dev/hugepages']);

export function devNumbers(rdev: bigint): { major: number; minor: number } {
  return {
    major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

export function hostDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (SKIP.has(path)) continue;
    let st;
    try {
      st = lstatSync(path, { bigint: true });
    } catch {
      continue; // vanished meanwhile
    }
    if (st.isDirectory()) out.push(...hostDevices(path));
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      out.push({ path, type: st.isCharacterDevice() ? 'c' : 'b', ...devNumbers(st.rdev), fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) });
    }
  }
  return out;
}
