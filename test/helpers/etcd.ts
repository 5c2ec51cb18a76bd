// A real etcd for tests: its own data dir, client and peer URLs on loopback
// (or on an address inside a test network namespace), stopped and removed by
// the returned stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd } from '../../src/etcd/client.js';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => ok(p)); });
  });
}

export interface TestEtcd {
  url: string;
  client: Etcd;          // reaches only an etcd on loopback (the test process is in the host namespace)
  /** etcdctl (v3) against this etcd, run inside its namespace; stdout, or throws. */
  ctl: (args: string[]) => string;
  proc: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts etcd in `dir`; inside the namespace `netns` (a path) on `host` when given, else on 127.0.0.1. */
export async function startEtcd(dir: string, opts: { netns?: string; host?: string } = {}): Promise<TestEtcd> {
  const host = opts.host ?? '127.0.0.1';
  const [client, peer] = opts.netns ? [2379, 2380] : [await freePort(), await freePort()];
  const data = join(dir, 'etcd-data');
  mkdirSync(data, { recursive: true });
  const args = [
    '--name', 'test', '--data-dir', data,
    '--listen-client-urls', `http://${host}:${client}`, '--advertise-client-urls', `http://${host}:${client}`,
    '--listen-peer-urls', `http://${host}:${peer}`, '--initial-advertise-peer-urls', `http://${host}:${peer}`,
    '--initial-cluster', `test=http://${host}:${peer}`, '--log-level', 'error',
  ];
  const proc = opts.netns
    ? spawn('nsenter', [`--net=${opts.netns}`, 'etcd', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += String(d); });
  const url = `http://${host}:${client}`;
  const etcd = new Etcd([url], 1000);
  const ctl = (a: string[]) => {
    const argv = ['etcdctl', `--endpoints=${url}`, ...a];
    const r = opts.netns ? spawnSync('nsenter', [`--net=${opts.netns}`, ...argv], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } })
      : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
    if (r.status !== 0) throw new Error(`etcdctl ${a.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((ok) => proc.once('exit', ok));
      proc.kill('SIGTERM');
      await gone;
    }
    rmSync(data, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`etcd exited: ${stderr}`);
    try {
      if (opts.netns) ctl(['get', 'health']); else await etcd.get('health');
      break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`etcd did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, client: new Etcd([url]), ctl, proc, stop };
}
