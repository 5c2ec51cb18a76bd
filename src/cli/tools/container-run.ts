// `container run` and `container create`: flags → the project service's
// ContainerRunSpec; prints the id (create, run -d) or exits with the
// container's exit code. Every failure to make or start the container
// exits 125 (126/127 for a command that cannot run), as docker's do.
import { BerthError } from '../../errors.js';
import type { ContainerRunSpec } from '../../project/container/index.js';
import type { CreateFlags, RunFlags } from '../commands/container-run.js';
import type { GlobalOptions } from '../globals.js';
import { writeErr, writeOut } from '../output.js';

function specOf(image: string, command: string[], o: CreateFlags): ContainerRunSpec {
  return {
    image, command, name: o.name, tty: o.tty, interactive: o.interactive,
    env: o.env, envFiles: o.envFile, publish: o.publish, publishAll: o.publishAll,
    volumes: o.volume, mounts: o.mount, tmpfs: o.tmpfs, network: o.network, ip: o.ip, networkAliases: o.networkAlias,
    user: o.user, workdir: o.workdir, entrypoint: o.entrypoint, restart: o.restart,
    memory: o.memory, cpus: o.cpus, pidsLimit: o.pidsLimit, capAdd: o.capAdd, capDrop: o.capDrop,
    privileged: o.privileged, readOnly: o.readOnly, securityOpt: o.securityOpt, init: o.init,
    health: o.healthcheck === false
      ? { cmd: 'none' }
      : { cmd: o.healthCmd, interval: o.healthInterval, timeout: o.healthTimeout, retries: o.healthRetries, startPeriod: o.healthStartPeriod },
    labels: o.label, hostname: o.hostname, dns: o.dns, addHosts: o.addHost, runtime: o.runtime, pull: o.pull,
  };
}

/** Any error of a run that did not get as far as the container's own exit: docker's 125 (unless it says otherwise). */
async function as125<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BerthError && e.exitCode !== 1 && e.exitCode !== 15) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new BerthError(msg, 125);
  }
}

const pullLine = (line: string) => writeErr(`${line}\n`);
const warnLine = (line: string) => writeErr(`WARNING: ${line}\n`);

export async function runRun(g: GlobalOptions, image: string, command: string[], o: RunFlags): Promise<number> {
  const { runContainer, engineAt } = await import('../../project/container/index.js');
  const engine = engineAt(g.root);
  const r = await as125(() => runContainer(engine, { spec: specOf(image, command, o), detach: o.detach, rm: o.rm, onPull: pullLine, onWarning: warnLine }));
  if (o.detach) writeOut(`${r.id}\n`);
  return r.exitCode ?? 0;
}

export async function runCreate(g: GlobalOptions, image: string, command: string[], o: CreateFlags): Promise<void> {
  const { createEngineContainer, engineAt } = await import('../../project/container/index.js');
  const r = await as125(() => createEngineContainer(engineAt(g.root), specOf(image, command, o), pullLine));
  for (const w of r.warnings) warnLine(w);
  writeOut(`${r.id}\n`);
}
