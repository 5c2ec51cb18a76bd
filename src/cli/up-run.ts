// `berth up` itself: converge, then (attached) stream logs with prefixes and
// watch the containers: exit codes per Compose (--exit-code-from,
// --abort-on-container-exit), Ctrl-C stops the project gracefully and a
// second Ctrl-C kills it. From the start of the converge to the end of `up`
// a Ctrl-C is never without a listener: once something may have been
// created, `up` never dies of the signal and leaves containers running.
import { BerthError } from '../errors.js';
import type { GlobalOptions } from './globals.js';
import { parseTimeout, resolveTarget, runCommand, type Target } from './project-command.js';
import { ignoreOrphansOf, upOptionsOf, type UpFlags } from './up-options.js';
import { Interrupts } from './interrupts.js';
import { isTerminal, writeErr } from './output.js';

export async function upCommand(g: GlobalOptions, services: string[], o: UpFlags): Promise<number> {
  if (o.exitCodeFrom) o.abortOnContainerExit = true;
  const began = Date.now();
  const detach = !!o.detach || !!o.wait;
  const opts = upOptionsOf(services, { ...o, detach });
  if (o.exitCodeFrom && services.length && !services.includes(o.exitCodeFrom)) throw new BerthError(`--exit-code-from: service ${o.exitCodeFrom} is not among the services started`);
  const target = await resolveTarget(g, services);
  opts.ignoreOrphans = ignoreOrphansOf(target.project, opts.removeOrphans);
  const cluster = (await import('../project/cluster.js')).clusterFor(g.root, target.project!);
  if (cluster) return (await import('./cluster-run.js')).clusterUpCommand(g, cluster, target.project!, services, o);
  if (o.exitCodeFrom && !target.project?.services[o.exitCodeFrom]) throw new BerthError(`--exit-code-from: no such service: ${o.exitCodeFrom}`);
  // Bad watch rules are refused before anything starts.
  if (o.watch) (await import('../watch/index.js')).compileWatch(target.project!, services);
  const timeout = parseTimeout(o.timeout);
  const waitTimeout = parseTimeout(o.waitTimeout);

  // Interrupts are handled from here to the end of `up` by one listener (see
  // interrupts.ts). The first Ctrl-C while converging starts nothing new;
  // attached, what was started is then stopped (a further Ctrl-C kills it),
  // as docker compose does; detached, `up` just returns.
  const ac = new AbortController();
  const interrupts = new Interrupts(() => {
    if (!detach) announceStop();
    ac.abort();
  });
  try {
    try {
      await runCommand(g, target, {
        verb: { verb: 'up', options: opts },
        drivers: { timeout, waitTimeoutMs: waitTimeout !== undefined ? waitTimeout * 1000 : undefined, build: { progress: (await import('./build/progress.js')).buildProgress(g) } },
        signal: ac.signal,
      });
    } catch (e) {
      if (!ac.signal.aborted || detach) throw e;
      return await stopAfterInterrupt(g, target, timeout, interrupts);
    }
    // A Ctrl-C during the last action of the plan interrupted nothing, but it still asked for a stop.
    if (ac.signal.aborted && !detach && !g.dryRun) return await stopAfterInterrupt(g, target, timeout, interrupts);
    if (g.dryRun || detach || opts.noStart) return 0;
    return await attach(g, target, services, o, timeout, began, interrupts);
  } finally {
    interrupts.release();
  }
}

/** docker compose's line on the first Ctrl-C of an attached `up`; printed once. */
let announced = false;
function announceStop(): void {
  if (announced) return;
  announced = true;
  writeErr('Gracefully stopping... (press Ctrl+C again to force)\n');
}

/** Ctrl-C while converging, attached: stop what was started, or kill it on a second Ctrl-C; 130 (128 + SIGINT). */
async function stopAfterInterrupt(g: GlobalOptions, target: Target, timeout: number | undefined, interrupts: Interrupts): Promise<number> {
  const plain = { ...g, progress: g.progress === 'auto' ? 'plain' : g.progress };
  const end = (kill: boolean) => runCommand(plain, target, { verb: kill ? { verb: 'kill', options: {} } : { verb: 'stop', options: {} }, drivers: { timeout } });
  // A second Ctrl-C during converge already asked for force.
  const first = end(interrupts.count > 1);
  let killing = interrupts.count > 1 ? first : undefined;
  interrupts.react((n) => { if (n > 1) killing ??= end(true); });
  let failure: unknown;
  await first.catch((e: unknown) => { failure = e; });
  interrupts.react(() => {});
  // Both runs end before `up` does: nothing is left acting on the project after it returned.
  if (killing && killing !== first) await killing.catch((e: unknown) => { failure ??= e; });
  if (failure) throw failure;
  return 130;
}

async function attach(g: GlobalOptions, target: Target, services: string[], o: UpFlags, timeout: number | undefined, began: number, interrupts: Interrupts): Promise<number> {
  // Until the monitor exists, a Ctrl-C is only counted (and announced); it is handed to the monitor below.
  interrupts.react(() => announceStop());
  const [{ monitorProject }, { LogPrinter }, { reporterFor }] = await Promise.all([
    import('../project/up-monitor.js'), import('./log-printer.js'), import('./progress.js'),
  ]);
  const project = target.project!;
  const chosen = new Set(o.attach?.length ? o.attach : services.length ? services : Object.keys(project.services));
  if (o.attachDependencies && !o.attach?.length) {
    for (const s of [...chosen]) for (const d of Object.keys(project.services[s]?.depends_on ?? {})) chosen.add(d);
  }
  for (const s of o.noAttach ?? []) chosen.delete(s);
  const printer = new LogPrinter({
    color: o.color !== false && g.ansi !== 'never' && (g.ansi === 'always' || isTerminal(1)),
    prefix: o.logPrefix !== false, timestamps: !!o.timestamps,
  });
  // The logs of this run only: entries from the moment `up` began, of the
  // attached services' containers (including ones that appear later).
  const monitor = monitorProject({
    // Watched as docker compose does: the services named, else the attached ones (none attached: all).
    root: g.root, project, services: [...chosen], watch: services.length ? services : [...chosen], since: new Date(began),
    abortOnContainerExit: o.abortOnContainerExit, exitCodeFrom: o.exitCodeFrom, timeout,
    reporter: await reporterFor({ ...g, progress: g.progress === 'auto' ? 'plain' : g.progress }),
    onContainer: (name) => printer.add(name),
    onLine: (l) => printer.print(l),
    onExit: (name, code) => printer.notice(name, `exited with code ${code}`),
    onAbort: () => writeErr('Aborting on container exit...\n'),
    onWarning: (m) => writeErr(`warning: ${m}\n`),
  });
  let watching: Awaited<ReturnType<typeof startWatching>> | undefined;
  interrupts.react((n) => {
    if (n === 1) { announceStop(); void watching?.stop(); }
    monitor.interrupt();
  }, true);
  try {
    if (o.watch && interrupts.count === 0) watching = await startWatching(g, target, services);
    if (interrupts.count > 0) void watching?.stop();
    return await monitor.done;
  } finally {
    // The project is stopped (or ended by itself): a Ctrl-C from here on has nothing left to stop.
    interrupts.react(() => {});
    await watching?.stop();
  }
}

/** up --watch: the watch runs beside the logs, its lines interleaved with theirs. */
async function startWatching(g: GlobalOptions, target: Target, services: string[]) {
  const [{ startWatch }, { watchOptionsOf }] = await Promise.all([import('../watch/index.js'), import('./watch-run.js')]);
  const session = await startWatch(await watchOptionsOf(g, target, services, {}));
  session.failed.catch((e: Error) => writeErr(`${e.message}\n`));
  return session;
}
