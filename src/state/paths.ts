// The state root layout. Every area keeps its records under its own folder;
// runtime files (sockets, netns files, mounts) live under the runtime dir,
// which follows the state root when one is given so tests never share it.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { markTopDir } from '../native/fs-ops.js';
import { join, resolve } from 'node:path';
import type { BerthConfig } from '../config.js';

const DEFAULT_STATE_ROOT = '/var/lib/berth';
const DEFAULT_RUNTIME_DIR = '/run/berth';

export interface StatePaths {
  root: string;        // persistent records
  runtime: string;     // volatile files: sockets, netns bind mounts, container mount points
  images: string;      // image store (blobs, layers, references)
  containers: string;  // one folder per container: record, logs, bundle
  networks: string;    // network records and IPAM leases
  volumes: string;     // named volumes' data and records
  projects: string;    // per-project records and locks
}

/** Resolves the layout from --root, then the configured BERTH_ROOT and BERTH_RUNTIME_DIR (`{}`: neither set). */
export function statePaths(rootOption: string | undefined, cfg: Pick<BerthConfig, 'root' | 'runtimeDir'>): StatePaths {
  const given = rootOption ?? cfg.root;
  const root = resolve(given ?? DEFAULT_STATE_ROOT);
  const runtime = resolve(cfg.runtimeDir ?? (given ? join(root, 'run') : DEFAULT_RUNTIME_DIR));
  return {
    root,
    runtime,
    images: join(root, 'images'),
    containers: join(root, 'containers'),
    networks: join(root, 'networks'),
    volumes: join(root, 'volumes'),
    projects: join(root, 'projects'),
  };
}

/** The mode of the state root and the runtime dir, as /var/lib/docker: others cannot list or read them. */
const STATE_DIR_MODE = 0o710;

const prepared = new Set<string>();

/**
 * The directories that hold one child directory per container, layer, volume
 * or project, and the two roots above them. On ext4 a new inode is taken from
 * its parent directory's block group, and a new directory's group is near its
 * parent's, so without these marks everything berth makes lands in one or two
 * groups. Each inode allocation scans its group's free inodes from the start,
 * and on a file system without a journal it skips every one freed in the last
 * minute or more (ext4's recently_deleted check): with the churn of repeated
 * `up` and `down`, creating one file there took 0.3-0.6 ms instead of ~14 us,
 * about 220 of them per `up` of 5 containers. A directory marked as the top
 * of a hierarchy (FS_TOPDIR_FL, `chattr +T`) makes ext4's Orlov allocator put
 * each directory made in it in a group of its own, so each container's files
 * share a group with only that container's.
 */
function spreadDirs(paths: StatePaths): { root: string; children: [string, number][] }[] {
  // Each with the mode its first user gives it when it makes it.
  const own = 0o700, open = 0o755;
  return [
    { root: paths.root, children: [[paths.containers, own], [paths.images, own], [join(paths.images, 'layers'), own], [join(paths.images, 'tmp'), own], [paths.volumes, open], [paths.networks, open], [paths.projects, open]] },
    { root: paths.runtime, children: [[join(paths.runtime, 'c'), own], [join(paths.runtime, 'oci'), own]] },
  ];
}

/**
 * Makes the state root and the runtime dir exist with STATE_DIR_MODE, and
 * tightens existing ones that are wider (a root made 0755 by an older berth
 * or another tool). Called once per command before it runs, so that whatever
 * command comes first (even `volume create`, whose recursive mkdir would
 * otherwise make the root 0755) leaves 0710. A caller who may not create or
 * change them (not root, a read-only root) is left to the command's own error.
 * A root or runtime dir whose layout is not there yet (its first child is
 * missing) gets the layout's directories, marked as in spreadDirs.
 */
export function prepareStateRoot(paths: StatePaths): void {
  const layouts = spreadDirs(paths);
  for (const { root: dir, children } of layouts) {
    if (prepared.has(dir)) continue;
    try {
      mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
      const st = statSync(dir);
      // Only ever narrowed: group/other bits beyond 0710 go, the owner's stay.
      if ((st.mode & 0o777 & ~STATE_DIR_MODE) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, st.mode & 0o777 & STATE_DIR_MODE | 0o700);
      if (!existsSync(children[0][0])) makeSpreadLayout(dir, children);
      prepared.add(dir);
    } catch {
      // EACCES, EROFS, ENOTDIR: the command reports what it cannot do itself.
    }
  }
}

/** Marks the root, then makes and marks its children (each made after its parent's mark, which only steers directories made later). */
function makeSpreadLayout(root: string, children: [string, number][]): void {
  if (!markTopDir(root)) return; // not ext2/3/4: nothing to spread, the directories come when first used
  for (const [dir, mode] of children) {
    mkdirSync(dir, { recursive: true, mode });
    markTopDir(dir);
  }
}
