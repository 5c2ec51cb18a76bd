// A private place for a peer engine (dockerd, podman): a temp directory and a
// network namespace bound to a file inside it. The engine runs in that netns,
// so its bridges, veths, iptables/nft rules, sysctls and name servers never
// touch the host's (nor the berth tests other people run at the same time),
// and teardown can find exactly the processes it started: those whose netns
// is ours. The host is snapshotted before and compared after, so a leak is
// reported, not silently left.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs argv; throws with its stderr when it fails. Returns stdout. */
export function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  if (r.error) throw new Error(`${argv[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${String(r.stderr).trim().slice(0, 600)}`);
  return r.stdout;
}

const trySh = (argv) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What docker and podman (netavark) name their objects; berth's own (vb…,
// its nft table) and those of tests running beside the bench do not match.
const PEER_LINK = /^(docker\d+|podman\d+|cni-podman\d+|veth[0-9a-f]{7})$/; // not br-<hex>: berth names its bridges so too
const PEER_TABLE = /^table (ip|ip6) (nat|filter|mangle|raw)$|^table inet netavark$/;

/** The peers' objects the host has now: nft tables, links, and mounts and cgroup dirs whose path contains one of `marks`. */
export function hostSnapshot(marks) {
  const tables = trySh(['nft', 'list', 'tables']).stdout.split('\n').filter((t) => PEER_TABLE.test(t)).sort();
  const links = trySh(['ip', '-o', 'link']).stdout.split('\n').filter(Boolean)
    .map((l) => l.split(':')[1].trim().split('@')[0]).filter((l) => PEER_LINK.test(l)).sort();
  const mounts = trySh(['findmnt', '-rn', '-o', 'TARGET']).stdout.split('\n')
    .filter((m) => marks.some((k) => m.includes(k))).sort();
  const cgroups = [];
  for (const h of safeList('/sys/fs/cgroup')) findDirs(join('/sys/fs/cgroup', h), marks, 4, cgroups);
  return { tables, links, mounts, cgroups: cgroups.sort() };
}

function safeList(dir) { try { return readdirSync(dir); } catch { return []; } }

function findDirs(dir, marks, depth, out) {
  if (depth < 0) return;
  for (const e of safeList(dir)) {
    const p = join(dir, e);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (!st.isDirectory()) continue;
    if (marks.some((k) => e.includes(k))) out.push(p);
    else findDirs(p, marks, depth - 1, out);
  }
}

/** The entries of `after` that `before` lacks, per kind; empty object when clean. */
export function hostDiff(before, after) {
  const out = {};
  for (const k of Object.keys(after)) {
    const extra = after[k].filter((x) => !before[k].includes(x));
    if (extra.length) out[k] = extra;
  }
  return out;
}

/** Removes cgroup dirs depth-first (rmdir works only on empty cgroups). */
export function removeCgroupTree(dir) {
  for (const e of safeList(dir)) {
    const p = join(dir, e);
    try { if (statSync(p).isDirectory()) removeCgroupTree(p); } catch { /* gone */ }
  }
  try { rmdirSync(dir); } catch { /* busy or gone: the leak check reports it */ }
}

/**
 * Host paths an engine writes whatever its configuration (podman 4.3 keeps
 * netavark's IPAM and aardvark-dns state in /run/containers/networks, runc its
 * state in /run/runc, containers/image a blob cache in /var/lib/containers;
 * the containerd shim its sockets in /run/containerd/s). Entries:
 * { path, mode }: 'tree' removes the path if it was absent before; 'empty'
 * removes a directory that was absent before only if it is empty again (others
 * may use it by then); 'restore' also puts back a file's earlier content.
 */
export class HostPaths {
  constructor(entries) {
    this.entries = entries.map((e) => ({
      ...e, existed: existsSync(e.path),
      content: e.mode === 'restore' && existsSync(e.path) ? readFileSync(e.path) : null,
    }));
  }

  forget() {
    for (const e of this.entries) {
      if (e.existed) { if (e.content) writeFileSync(e.path, e.content); continue; }
      if (e.mode === 'empty') { try { rmdirSync(e.path); } catch { /* absent, or in use by others */ } } else rmSync(e.path, { recursive: true, force: true });
    }
  }

  /** Paths that were absent before and exist now (after forget(): leaks). */
  present() { return this.entries.filter((e) => !e.existed && e.mode !== 'empty' && existsSync(e.path)).map((e) => e.path); }
}

export class Sandbox {
  constructor(label) {
    this.label = label;
    this.dir = mkdtempSync(join(tmpdir(), `berth-bench-${label}-`));
    this.netnsFile = join(this.dir, 'netns');
    writeFileSync(this.netnsFile, '');
    sh(['unshare', `--net=${this.netnsFile}`, 'true']);
    this.netnsIno = statSync(this.netnsFile).ino;
    sh(this.wrap(['ip', 'link', 'set', 'lo', 'up']));
  }

  /** argv run inside the sandbox's network namespace. */
  wrap(argv) { return ['nsenter', `--net=${this.netnsFile}`, ...argv]; }

  /**
   * Pids of every process whose network namespace is ours, and of their
   * descendants (containers get network namespaces of their own, but are
   * children of a shim or conmon that runs in ours).
   */
  pids() {
    const parent = new Map();
    const members = new Set();
    for (const e of safeList('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
        if (readlinkSync(`/proc/${e}/ns/net`) === `net:[${this.netnsIno}]`) members.add(Number(e));
      } catch { /* exited */ }
    }
    const inside = (pid) => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) if (members.has(p)) return true;
      return false;
    };
    return [...parent.keys()].filter(inside).sort((a, b) => a - b);
  }

  /** SIGTERM, then SIGKILL after `graceMs`, every process left in our netns. */
  async killAll(graceMs = 5000) {
    for (const sig of ['SIGTERM', 'SIGKILL']) {
      for (const p of this.pids()) { try { process.kill(p, sig); } catch { /* gone */ } }
      for (let t = 0; t < graceMs && this.pids().length; t += 100) await sleep(100);
      if (!this.pids().length) return;
    }
    if (this.pids().length) throw new Error(`${this.label}: processes survive SIGKILL: ${this.pids().join(' ')}`);
  }

  /** Unmounts everything under the sandbox dir (deepest first), drops the netns, removes the dir. */
  destroy() {
    const mounts = trySh(['findmnt', '-rn', '-o', 'TARGET']).stdout.split('\n')
      .filter((m) => m === this.dir || m.startsWith(this.dir + '/')).sort((a, b) => b.length - a.length);
    for (const m of mounts) {
      if (trySh(['umount', m]).status !== 0) trySh(['umount', '-l', m]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
