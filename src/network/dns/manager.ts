// Keeps the DNS responder (native/out/berth-dns, native/dns/) in step with
// the records: rewrites <runtime>/dns/config.txt, starts the
// detached responder when a network exists, signals it to reload and waits
// until it has loaded the new generation; when no network is left the
// responder exits (and is waited for).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BerthError } from '../../errors.js';
import { readJson, writeFileAtomic } from '../../state/atomic.js';
import type { StatePaths } from '../../state/paths.js';
import type { EndpointRecord, NetworkRecord } from '../types.js';
import { buildDnsConfig, dnsConfigText } from './records.js';
import { repoRoot } from '../../repo-root.js';
import { spawnDaemon } from '../../native/spawn.js';
import type { BerthConfig } from '../../config.js';

export const dnsDir = (paths: StatePaths): string => join(paths.runtime, 'dns');

interface ServerState { pid: number; generation: number; bound: string[] }

/**
 * A live process; an exited one waiting to be reaped (a zombie) does not
 * count. The detached responder outlives the CLI that started it, so its
 * reaper is init or a subreaper, which may take a second or more.
 */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Upstreams: BERTH_DNS_UPSTREAMS (comma-separated), else the host's resolv.conf nameservers. */
function upstreams(cfg: Pick<BerthConfig, 'dnsUpstreams'>, resolvConf = '/etc/resolv.conf'): string[] {
  if (cfg.dnsUpstreams) return cfg.dnsUpstreams;
  let text = '';
  try { text = readFileSync(resolvConf, 'utf8'); } catch { return []; }
  return text.split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((s): s is string => !!s);
}

/** Whether pid is a live responder serving dir (a reused pid is not). */
function isServer(pid: number, dir: string): boolean {
  if (!alive(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return basename(argv[0] ?? '') === 'berth-dns' && argv[1] === dir;
  } catch {
    return false;
  }
}

/** The running responder of this state root; a stale pid (reused by another process) does not count. */
export function serverState(paths: StatePaths): ServerState | undefined {
  const dir = dnsDir(paths);
  const s = readJson<ServerState>(join(dir, 'server.json'));
  return s && isServer(s.pid, dir) ? s : undefined;
}

/** The responder executable: BERTH_DNS_BIN, else native/out/berth-dns (as the shim is found). */
export function dnsBinary(cfg: Pick<BerthConfig, 'dnsBin' | 'repo'>): string {
  const bin = cfg.dnsBin ?? join(cfg.repo ?? repoRoot(), 'native/out/berth-dns');
  if (!existsSync(bin)) throw new BerthError(`berth-dns not found at ${bin}: build it with make -C native`);
  return bin;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the detached responder (a native executable: ready in a few ms, so
 * it is simply started with the first network; see docs/network.md).
 */
function spawnServer(dir: string, bin: string): number | undefined {
  try {
    return spawnDaemon(bin, [bin, dir], join(dir, 'server.log'));
  } catch {
    return undefined; // a failed start shows as no state: the wait below gives up
  }
}

/** What the responder is started with: its executable and the upstream resolvers. */
type DnsSettings = Pick<BerthConfig, 'dnsBin' | 'repo' | 'dnsUpstreams'>;

export async function syncDns(paths: StatePaths, networks: NetworkRecord[], endpoints: EndpointRecord[], settings: DnsSettings): Promise<void> {
  await (await syncDnsDeferred(paths, networks, endpoints, settings))();
}

/** The generation of the config last written (its second line), 0 when there is none. */
function previousGeneration(dir: string): number {
  let head = '';
  try {
    const fd = openSync(join(dir, 'config.txt'), 'r');
    try {
      const buf = Buffer.alloc(64);
      head = buf.toString('latin1', 0, readSync(fd, buf, 0, 64, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
  return Number(/^berth-dns-config 1\ngeneration (\d+)\n/.exec(head)?.[1] ?? 0);
}

/**
 * syncDns in two steps: writes the config and starts or signals the server
 * (call it holding the network lock, so generations follow the records), and
 * returns the wait for the server to load it, which a caller may run after
 * releasing the lock. Starting the server is waited for here, under the lock,
 * so that two callers never start two servers.
 */
export async function syncDnsDeferred(paths: StatePaths, networks: NetworkRecord[], endpoints: EndpointRecord[], settings: DnsSettings): Promise<() => Promise<void>> {
  const dir = dnsDir(paths);
  mkdirSync(dir, { recursive: true });
  const cfg = buildDnsConfig(networks, endpoints, upstreams(settings), previousGeneration(dir) + 1);
  // Unsynced: run-time state, gone at reboot anyway.
  writeFileAtomic(join(dir, 'config.txt'), dnsConfigText(cfg), { durable: false });
  let state = serverState(paths);
  if (cfg.networks.length === 0) {
    if (state) {
      // It closes its sockets, then removes server.json, then exits: done
      // once the file is gone (its exit itself can take ~10 ms more, closing
      // its inotify watch, which nothing needs to wait for).
      process.kill(state.pid, 'SIGHUP');
      const file = join(dir, 'server.json');
      for (let i = 0; i < 1000 && alive(state.pid) && existsSync(file); i++) await sleep(2);
      if (alive(state.pid) && existsSync(file)) process.kill(state.pid, 'SIGTERM');
    }
    return async () => {};
  }
  // Wait until the server has loaded this generation, so callers can rely on the records.
  // A responder just started (pid) that dies before writing its state ends the wait.
  const loaded = async (pid?: number) => {
    let nudged = false;
    for (let i = 0; i < 1500; i++) {
      state = serverState(paths);
      if (state && state.generation >= cfg.generation) return;
      if (pid !== undefined && !state && !alive(pid)) return;
      // It also watches config.txt; a second SIGHUP is a safe nudge should a
      // signal have come before it could take it.
      if (state && !nudged && i >= 50) {
        nudged = true;
        process.kill(state.pid, 'SIGHUP');
      }
      // The native responder loads in well under a millisecond: the first
      // looks only yield to pending I/O, then every 2 ms.
      await (i < 10 ? new Promise((r) => setImmediate(r)) : sleep(2));
    }
  };
  if (!state) {
    await loaded(spawnServer(dir, dnsBinary(settings)));
    return async () => {};
  }
  process.kill(state.pid, 'SIGHUP');
  return loaded;
}
