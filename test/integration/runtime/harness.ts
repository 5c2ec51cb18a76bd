// Shared setup for the runtime tests: a private state root per runtime, a
// shared busybox rootfs, unique container ids, and cleanup of everything.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, haveBinary, makeBundle, makeRuntime, sharedRootfs, type OciConfig, type Runtime } from '../../helpers/bundle.js';
import { shortId, tempDir } from '../../helpers/env.js';

export type RuntimeName = 'berth' | 'berth-v2' | 'runc' | 'crun';

export class RuntimeHarness {
  readonly dir: string;
  readonly rootfs: string;
  readonly runtimes: Runtime[] = [];
  private readonly created: Array<[Runtime, string]> = [];
  private readonly cleanupDir: () => void;

  constructor(names: RuntimeName[] = ['berth', 'runc', 'crun']) {
    const t = tempDir('berth-rt-');
    this.dir = t.path;
    this.cleanupDir = t.cleanup;
    this.rootfs = sharedRootfs(join(this.dir, 'shared'));
    for (const n of names) {
      if (!n.startsWith('berth') && !haveBinary(n)) continue; // reference peers; CI installs them
      this.runtimes.push(makeRuntime(n, join(this.dir, `root-${n}`)));
    }
  }

  get berth(): Runtime {
    return this.runtimes.find((r) => r.name.startsWith('berth'))!;
  }

  /** A fresh id, remembered for cleanup. */
  id(rt: Runtime, prefix = 't'): string {
    const id = `${prefix}-${rt.name}-${shortId(8)}`;
    this.created.push([rt, id]);
    return id;
  }

  bundle(config: OciConfig, name = `b-${shortId(8)}`): string {
    return makeBundle(this.dir, name, this.rootfs, config);
  }

  /** Starts `run` in the background (for containers killed from outside). */
  runAsync(rt: Runtime, id: string, bundle: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(rt.argv[0], [...rt.argv.slice(1), 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  state(rt: Runtime, id: string): { status: string; pid: number; [k: string]: unknown } | null {
    const r = rt.run(['state', id]);
    if (r.status !== 0) return null;
    return JSON.parse(r.stdout);
  }

  async waitStatus(rt: Runtime, id: string, want: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = this.state(rt, id);
      if (s?.status === want) return;
      if (Date.now() > end) throw new Error(`${rt.name} ${id}: status ${s?.status ?? 'gone'}, want ${want}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Force-deletes every container made here and removes the directory. */
  cleanup(): void {
    for (const [rt, id] of this.created) rt.run(['delete', '--force', id]);
    rmSync(this.dir, { recursive: true, force: true });
    this.cleanupDir();
  }
}

/** CAP_MKNOD and a tmpfs without nodev: /dev/mem (1:1) can be made but not
 * read (the rules deny it); a new node for null (1:3) works. */
export function deviceConfig(): OciConfig {
  const c = defaultConfig(['sh', '-c', 'head -c3 /dev/zero | wc -c; mknod /tmp/mem c 1 1; head -c1 /tmp/mem 2>/dev/null | wc -c; mknod /tmp/null2 c 1 3; echo x > /tmp/null2 && echo null2-ok']);
  for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set] = [...c.process.capabilities[set], 'CAP_MKNOD'];
  c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
  return c;
}
