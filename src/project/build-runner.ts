// The builder's step runner: a RUN step is a container like any other
// (the OCI spec from src/container: namespaces, Docker's default
// capabilities, seccomp, masked paths), run to its end with `berth-runtime
// run` on the rootfs the builder mounted. Its stdout and stderr are streamed
// back; no /etc files are bound in, so nothing of the runner ends up in the
// step's layer. The default network is a private namespace with loopback
// only; `host` shares the host's (as `--network=host` asks).
import { spawn } from 'node:child_process';
import { randomHex } from '../hashing.js';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { generateSpec } from '../container/index.js';
import { requireBinary } from '../container/paths.js';
import { hostNofile } from '../container/lifecycle.js';
import type { ContainerSpecInput } from '../container/types.js';
import type { RunStep, StepRunner } from '../image/build/runner.js';
import type { StatePaths } from '../state/paths.js';

// Where the default mounts of a container land (they are made in the rootfs when missing).
const MOUNT_POINTS = ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup'];

function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

export class RuntimeStepRunner implements StepRunner {
  readonly mountPoints = MOUNT_POINTS;
  /** runtime: the OCI runtime executable the RUN steps run under (berth-runtime, or BERTH_RUNTIME). */
  constructor(private readonly paths: StatePaths, private readonly runtime: string) {}

  async run(step: RunStep): Promise<number> {
    requireBinary(this.runtime, 'berth-runtime');
    const id = randomHex(32);
    const bundle = join(this.paths.runtime, 'build', id.slice(0, 16));
    const input: ContainerSpecInput = {
      id, name: `build-${id.slice(0, 12)}`,
      image: { ref: 'build-step', config: {} },
      rootfs: { base: step.rootfs, lower: [] },
      entrypoint: step.args, command: [],
      environment: envObject(step.env), user: step.user, workingDir: step.cwd,
      hostname: 'buildkitsandbox',
      network: step.network === 'host' ? { mode: 'host' } : { mode: 'none' },
      mounts: step.mounts.map((m) => ({ type: 'bind' as const, source: m.source, target: m.target, readOnly: m.readOnly })),
      shmSize: step.shmSize,
    };
    const spec = generateSpec(input, { rootfs: step.rootfs, cgroupV2: existsSync('/sys/fs/cgroup/cgroup.controllers'), hostNofile: hostNofile() });
    mkdirSync(bundle, { recursive: true, mode: 0o700 });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    const runtimeRoot = join(this.paths.runtime, 'oci');
    try {
      return await new Promise<number>((resolve, reject) => {
        const child = spawn(this.runtime, ['--root', runtimeRoot, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (c: Buffer) => step.output(c, 'stdout'));
        child.stderr.on('data', (c: Buffer) => step.output(c, 'stderr'));
        const onAbort = () => child.kill('SIGTERM');
        step.signal?.addEventListener('abort', onAbort, { once: true });
        child.on('error', (e) => reject(new BerthError(`running the build step: ${e.message}`)));
        child.on('close', (code, signal) => {
          step.signal?.removeEventListener('abort', onAbort);
          resolve(code ?? (signal ? 128 : 1));
        });
      });
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  }
}
