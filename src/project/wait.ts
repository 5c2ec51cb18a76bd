// depends_on conditions (and up --wait): polls the dependency's containers,
// as the shim records them, until the condition holds or cannot any more.
// `wait`: until the project's containers have exited.
import { BerthError } from '../errors.js';
import type { DependencyCondition } from '../reconcile/desired.js';
import type { ActualContainer } from '../reconcile/actual.js';
import { Engine } from './engine.js';
import { pathsAt } from './state-root.js';
import { observeContainers } from './observe.js';
import { projectContainers } from '../logs/select.js';

/** undefined: keep waiting; true: met; a string: why it never will be. */
export function conditionMet(condition: DependencyCondition, cs: ActualContainer[], hasHealthcheck: boolean): true | string | undefined {
  if (cs.length === 0) return 'no container';
  for (const c of cs) {
    const exited = c.status === 'exited' || c.status === 'dead';
    switch (condition) {
      case 'service_started':
        // A container between two runs of its restart policy is not started yet: docker compose waits for the next run.
        if (c.status === 'created' || c.status === 'restarting') return undefined;
        break;
      case 'service_healthy':
        if (!hasHealthcheck) return `container ${c.name} has no healthcheck configured`;
        if (exited) return `container ${c.name} exited (${c.exitCode ?? -1})`;
        // Its health is the last run's until the next run begins again from "starting".
        if (c.status === 'restarting') return undefined;
        if (c.health === 'unhealthy') return `container ${c.name} is unhealthy`;
        if (c.health !== 'healthy') return undefined;
        break;
      case 'service_completed_successfully':
        if (!exited) return undefined;
        if (c.exitCode !== 0) return `container ${c.name} exited (${c.exitCode ?? -1})`;
        break;
    }
  }
  return true;
}

export async function waitForService(engine: Engine, project: string, service: string, condition: DependencyCondition, hasHealthcheck: boolean, signal: AbortSignal, timeoutMs?: number): Promise<void> {
  const deadline = timeoutMs ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    if (signal.aborted) throw new BerthError('interrupted');
    const cs = observeContainers(engine, project).filter((c) => c.service === service && !c.oneoff);
    const r = conditionMet(condition, cs, hasHealthcheck);
    if (r === true) return;
    if (typeof r === 'string') throw new BerthError(r);
    if (Date.now() > deadline) throw new BerthError(`timed out after ${Math.round((timeoutMs ?? 0) / 1000)}s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export interface WaitOptions {
  root?: string;
  project: string;
  services: string[];
  /** Each container as it exits. */
  onExit?: (id: string, exitCode: number) => void;
}

/** Waits for every container of the services (one-offs included); resolves with the last exit code. */
export async function waitForContainers(o: WaitOptions): Promise<number> {
  const paths = pathsAt(o.root);
  const containers = new Engine(paths).containers;
  const list = projectContainers(paths, o.project, { services: o.services, oneoff: true });
  if (list.length === 0) throw new BerthError(`no containers for project "${o.project}"`);
  let last = 0;
  await Promise.all(list.map(async (pc) => {
    const r = await containers.wait(pc.record.id);
    o.onExit?.(pc.record.id, r.exitCode);
    last = r.exitCode;
  }));
  return last;
}
