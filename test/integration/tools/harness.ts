// Real containers of a pretend Compose project, made through src/container
// with Compose's labels (no `up` needed), and the berth CLI run against the
// same private state root with `-p <project>` from a directory without a
// compose file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Containers } from '../../../src/container/index.js';
import type { ContainerSpecInput } from '../../../src/container/types.js';
import type { ContainerRecord } from '../../../src/container/record.js';
import { containerLabels } from '../../../src/reconcile/labels.js';
import { statePaths, type StatePaths } from '../../../src/state/paths.js';
import { readConfig } from '../../../src/config.js';
import { binaries } from '../../../src/container/paths.js';
import { berthBin, nativeOut, shortId, tempDir } from '../../helpers/env.js';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';

export const shim = process.env.BERTH_SHIM ?? join(nativeOut, 'berth-shim');
const runtime = process.env.BERTH_RUNTIME ?? (existsSync(join(nativeOut, 'berth-runtime')) ? join(nativeOut, 'berth-runtime') : '/usr/sbin/runc');
const S = 1_000_000_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, f: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export class ToolsEnv {
  readonly tmp = tempDir('berth-tools-');
  readonly project = `t${shortId(8)}`;
  readonly layers = join(this.tmp.path, 'layers');
  readonly root = join(this.tmp.path, 'state');
  readonly sp: StatePaths = statePaths(this.root, {});
  readonly c = new Containers(this.sp, { ...binaries(readConfig(process.env)), shim, runtime });
  readonly cwd = join(this.tmp.path, 'work');
  private made: string[] = [];
  private children: ChildProcess[] = [];

  constructor() {
    mkdirSync(join(this.layers, 'bb'), { recursive: true });
    makeBusyboxRootfs(join(this.layers, 'bb'));
    mkdirSync(this.cwd, { recursive: true });
  }

  /** Creates `<project>-<service>-<n>` running `cmd` (not started). */
  async create(service: string, n: number, cmd: string[], over: Partial<ContainerSpecInput> = {}): Promise<ContainerRecord> {
    const id = randomBytes(32).toString('hex');
    this.made.push(id);
    return this.c.create({
      id, name: `${this.project}-${service}-${n}`,
      image: { ref: 'busybox:test', config: { Cmd: cmd, Env: ['PATH=/bin'] } },
      rootfs: { base: this.layers, lower: ['bb'] },
      network: { mode: 'none' },
      stopGracePeriod: 1 * S,
      labels: containerLabels(this.project, service, n, 'hash'),
      ...over,
    });
  }

  async run(service: string, n: number, cmd: string[], over: Partial<ContainerSpecInput> = {}): Promise<ContainerRecord> {
    const rec = await this.create(service, n, cmd, over);
    await this.c.start(rec.id);
    return rec;
  }

  env(): NodeJS.ProcessEnv {
    return { ...process.env, BERTH_SHIM: shim, BERTH_RUNTIME: runtime, NO_COLOR: '', COMPOSE_FILE: '' };
  }

  /** Runs the CLI to completion. */
  berth(args: string[], input?: string | Buffer): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [berthBin, '--root', this.root, '-p', this.project, ...args], {
      cwd: this.cwd, env: this.env(), input, encoding: 'utf8', timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Starts the CLI in the background; `out()` is what it printed so far. */
  spawn(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
    const child = spawn(process.execPath, [berthBin, '--root', this.root, '-p', this.project, ...args], { cwd: this.cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    return { child, out: () => out, err: () => err };
  }

  async cleanup(): Promise<void> {
    for (const ch of this.children) if (ch.exitCode === null) ch.kill('SIGKILL');
    for (const id of this.made) await this.c.remove(id, { force: true }).catch((e) => console.error(`cleanup ${id}: ${(e as Error).message}`));
    this.tmp.cleanup();
  }
}
