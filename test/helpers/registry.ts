// Runs Debian's docker-registry on a free loopback port with a private
// storage dir (and optionally an htpasswd file) for one test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './env.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  host: string;          // 127.0.0.1:<port>
  dir: string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a registry; with `user`, basic auth through an htpasswd file (bcrypt via htpasswd); with `token`, Bearer tokens. */
export async function startRegistry(opts: { user?: { name: string; password: string }; token?: { realm: string; service: string; issuer: string; certFile: string } } = {}): Promise<TestRegistry> {
  const t = tempDir('berth-registry-');
  const port = await freePort();
  let auth = '';
  if (opts.user) {
    const r = spawnSync('htpasswd', ['-Bbn', opts.user.name, opts.user.password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
    writeFileSync(join(t.path, 'htpasswd'), r.stdout);
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(t.path, 'htpasswd')}\n`;
  }
  if (opts.token) {
    const k = opts.token;
    auth = `auth:\n  token:\n    realm: ${k.realm}\n    service: ${k.service}\n    issuer: ${k.issuer}\n    rootcertbundle: ${k.certFile}\n`;
  }
  const config = `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(t.path, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`;
  writeFileSync(join(t.path, 'config.yml'), config);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(t.path, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
    t.cleanup();
  };
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) { await stop(); throw new Error(`docker-registry exited: ${stderr}`); }
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return { host, dir: t.path, stop };
    } catch { /* not up yet */ }
    await sleep(50);
  }
  await stop();
  throw new Error(`docker-registry did not start: ${stderr}`);
}
