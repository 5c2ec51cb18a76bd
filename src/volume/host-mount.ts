// Real mounts for local volumes with driver_opts (type tmpfs, ext4, nfs...):
// mounted on <volume>/_data when a container needs it. The mount(2) call is
// the native addon's (native/addon/mount.cc); a build without it gets a clear
// "not supported yet" instead of a crash.
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { addon } from '../native/addon.js';

type MountFn = (source: string | null, target: string, fstype: string | null, flags: number, data?: string) => Promise<void>;
type Umount2Fn = (target: string, flags: number) => Promise<void>;

// mount(2) flags for the options that are flags rather than fs data.
const FLAGS: Record<string, number> = {
  ro: 0x1, nosuid: 0x2, nodev: 0x4, noexec: 0x8, sync: 0x10, noatime: 0x400, nodiratime: 0x800, relatime: 0x200000,
};
const CLEARED = new Set(['rw', 'suid', 'dev', 'exec', 'async', 'atime', 'diratime', 'defaults']);

/** Splits `o` into mount flags and the fs-specific data string. */
function parseMountOptions(options: string[]): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const o of options) {
    if (FLAGS[o] !== undefined) flags |= FLAGS[o];
    else if (!CLEARED.has(o)) data.push(o);
  }
  return { flags, data: data.join(',') };
}

function nativeMount(): { mount: MountFn; umount2: Umount2Fn } | undefined {
  let a: Record<string, unknown>;
  try { a = addon(); } catch { return undefined; }
  if (typeof a.mount !== 'function' || typeof a.umount2 !== 'function') return undefined;
  return { mount: a.mount as MountFn, umount2: a.umount2 as Umount2Fn };
}

/** Mount points from /proc/self/mountinfo (octal escapes decoded). */
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(f[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export async function mountVolume(volume: string, type: string, device: string, options: string[], target: string): Promise<void> {
  if (mountPoints().has(target)) return;
  const m = nativeMount();
  if (!m) throw new BerthError(`volume ${volume}: driver_opts type ${type} needs a real mount, which is not supported yet by this build (only "type: none, o: bind" volumes are)`);
  const { flags, data } = parseMountOptions(options);
  try {
    await m.mount(device, target, type, flags, data || undefined);
  } catch (e) {
    throw new BerthError(`volume ${volume}: mount ${type} ${device} on ${target}: ${(e as Error).message}`);
  }
}

export async function unmountVolume(volume: string, target: string): Promise<void> {
  if (!mountPoints().has(target)) return;
  const m = nativeMount();
  if (!m) throw new BerthError(`volume ${volume}: ${target} is mounted and this build cannot unmount it`);
  try {
    await m.umount2(target, 0);
  } catch (e) {
    throw new BerthError(`volume ${volume}: unmount ${target}: ${(e as Error).message}`);
  }
}
