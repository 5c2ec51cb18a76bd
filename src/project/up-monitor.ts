// Attached `up`: follows the attached services' logs and watches their
// containers until they have all ended, or until an interrupt (graceful stop,
// then kill) or, with --abort-on-container-exit, the first exit stops the
// project. The containers are watched through their state directories (the
// shim writes state.json atomically and removes shim.pid when it exits), not
// by polling every container on the host; a slow poll still catches a shim
// that died without a word.
import { watch, type FSWatcher } from 'node:fs';
import type { Project } from '../compose/model.js';
import { observeStatus } from '../container/status.js';
import { displayName } from '../logs/display-name.js';
import { followProject, type LogLine } from '../logs/project.js';
import { timeOf } from '../logs/time.js';
import { planKill, planStop } from '../reconcile/lifecycle.js';
import { engineAt } from './engine.js';
import { observeContainers } from './observe.js';
import { runProject, type Reporter } from './run.js';

/** How often the containers are checked when no state file changed (a shim killed with SIGKILL writes nothing). */
const SAFETY_POLL_MS = 2000;

export interface MonitorOptions {
  root?: string;
  project: Project;
  /** The services whose logs are followed. */
  services: string[];
  /**
   * The services whose containers are watched: the run ends when they have
   * all ended (default: `services`; empty: every service of the project).
   * docker compose watches the services named on the command line, else the
   * attached ones.
   */
  watch?: string[];
  /** Log lines from this moment on (the start of this `up`). */
  since: Date;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  /** Shutdown timeout of the stop, in seconds. */
  timeout?: number;
  /** Progress of the stop (or kill) that ends the run. */
  reporter?: Reporter;
  onContainer?: (name: string) => void;
  onLine: (line: LogLine) => void;
  /** A watched container ended ("web-1 exited with code 0"). */
  onExit?: (name: string, exitCode: number) => void;
  /** --abort-on-container-exit: a container ended and the project is being stopped. */
  onAbort?: () => void;
  onWarning?: (message: string) => void;
}

export interface Monitor {
  /** First call: stop the project gracefully; later calls: kill it. */
  interrupt(): void;
  /** The exit code of `up`: 130 after an interrupt, per Compose otherwise. */
  done: Promise<number>;
}

const ACTIVE = new Set(['running', 'restarting', 'paused', 'created']);

export function monitorProject(o: MonitorOptions): Monitor {
  const engine = engineAt(o.root);
  const name = o.project.name;
  const chosen = new Set(o.services);
  const toWatch = new Set(o.watch ?? o.services);
  const watched = observeContainers(engine, name).filter((c) => !c.oneoff && (toWatch.size === 0 || toWatch.has(c.service)));
  const short = (c: { name: string; service: string }) => displayName(c.name, name, c.service);

  const stopFollowing = new AbortController();
  let pollNow = () => {};
  const following = chosen.size === 0 ? Promise.resolve() : followProject(engine.paths, name, {
    services: [...chosen], since: timeOf(o.since), signal: stopFollowing.signal,
    onContainer: (_c, n) => o.onContainer?.(n),
    onLine: o.onLine,
    onFollow: (p) => { pollNow = p; },
  }).catch((e: Error) => o.onWarning?.(`following the logs: ${e.message}`));

  let stopping: Promise<unknown> | undefined;
  let code: number | undefined;
  let interrupts = 0;
  const stopAll = (kill: boolean) => runProject({
    root: o.root, project: o.project, projectName: name, reporter: o.reporter, drivers: { timeout: o.timeout },
    plan: (d, a) => (kill ? planKill(d, a, {}) : planStop(d, a, {})),
  }).catch((e: Error) => o.onWarning?.(e.message));

  let wake = () => {};
  const changed = () => wake();
  const watchers: FSWatcher[] = [];
  for (const c of watched) {
    try {
      // Log writes land in the same directory: only the shim's own files matter.
      const w = watch(engine.containers.pathsOf(c.id).dir, (_e, file) => { if (!file || !String(file).endsWith('.log')) changed(); });
      w.on('error', () => undefined);
      watchers.push(w);
    } catch { /* removed meanwhile: the next check sees it */ }
  }

  const reported = new Set<string>();
  /** One look at the watched containers; true when none is active any more. */
  const check = (): boolean => {
    const now = watched.map((c) => {
      const obs = observeStatus(engine.containers.pathsOf(c.id), c.id);
      return { ...c, status: obs.status, exitCode: obs.state?.exitCode };
    });
    for (const c of now) {
      if ((c.status !== 'exited' && c.status !== 'dead') || reported.has(c.id)) continue;
      reported.add(c.id);
      pollNow(); // the container's last lines come before its exit notice
      o.onExit?.(short(c), c.exitCode ?? -1);
      if (o.abortOnContainerExit && !stopping) {
        code = o.exitCodeFrom ? undefined : c.exitCode ?? 1;
        o.onAbort?.();
        stopping = stopAll(false);
      }
    }
    return !now.some((c) => ACTIVE.has(c.status));
  };

  const run = async (): Promise<number> => {
    try {
      for (;;) {
        if (stopping) { await stopping; break; }
        if (check() && !stopping) break;
        if (stopping) continue;
        await new Promise<void>((res) => {
          const t = setTimeout(res, SAFETY_POLL_MS);
          wake = () => { clearTimeout(t); wake = () => {}; res(); };
        });
      }
    } finally {
      for (const w of watchers) w.close();
      pollNow();
      stopFollowing.abort();
      await following;
    }
    await stopping; // a second interrupt may have replaced the graceful stop with a kill
    if (o.exitCodeFrom) {
      const cs = observeContainers(engine, name).filter((x) => x.service === o.exitCodeFrom && !x.oneoff);
      return cs.find((x) => x.exitCode !== 0)?.exitCode ?? cs[0]?.exitCode ?? 0;
    }
    return code ?? 0;
  };

  return {
    interrupt() {
      interrupts++;
      if (interrupts === 1) code ??= 130;
      else code = 130;
      stopping = stopAll(interrupts > 1);
      wake();
    },
    done: run(),
  };
}
