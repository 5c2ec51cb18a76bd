// Resolves a path inside a container's root filesystem the way the kernel
// would after chroot: symlinks (absolute or relative) and ".." are followed
// but can never leave `root`. Used to read /etc/passwd and friends from an
// image without a hostile symlink pointing at a host file, and by the image
// builder to read COPY sources inside the build context.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LINKS = 40;

/** The host path of `path` as seen inside `root`; the last component need not exist. */
export function secureJoin(root: string, path: string): string {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, part);
    let isLink = false;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' });
    const target = readlinkSync(host);
    if (target.startsWith('/')) done.length = 0;
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return join(root, ...done);
}
