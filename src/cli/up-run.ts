// `berth up` itself: converge, then (attached) stream logs with prefixes and
// watch the containers: exit codes per Compose (--exit-code-from,
// --abort-on-container-exit), Ctrl-C stops the project gracefully and a
// second Ctrl-C kills it.
import { BerthError } from '../errors.js';
import type { GlobalOptions } from './globals.js';
import { parseTimeout, resolveTarget, runCommand, type Target } from './project-command.js';
import { ignoreOrphansOf, upOptionsOf, type UpFlags } from './up-options.js';
import { writeErr } from './output.js';

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

  // Ctrl-C while converging: start nothing new, then stop what runs (attached) or just return.
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  try {
    await runCommand(g, target, {
      verb: { verb: 'up', options: opts },
      drivers: { timeout, waitTimeoutMs: waitTimeout !== undefined ? waitTimeout * 1000 : undefined, build: { progress: (await import('./build/progress.js')).buildProgress(g) } },
      signal: ac.signal,
    });
  } catch (e) {
    if (!ac.signal.aborted || detach) throw e;
    // Ctrl-C while converging in attached mode: stop what was started, as docker compose does.
    writeErr('Gracefully stopping... (press Ctrl+C again to force)\n');
    await runCommand({ ...g, progress: g.progress === 'auto' ? 'plain' : g.progress }, target, { verb: { verb: 'stop', options: {} }, drivers: { timeout } });
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (g.dryRun || detach || opts.noStart) return 0;
  return attach(g, target, services, o, timeout, began);
}

async function attach(g: GlobalOptions, target: Target, services: string[], o: UpFlags, timeout: number | undefined, began: number): Promise<number> {
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
    color: o.color !== false && g.ansi !== 'never' && (g.ansi === 'always' || !!process.stdout.isTTY),
    prefix: o.logPrefix !== false, timestamps: !!o.timestamps,
  });
  // The logs of this run only: entries from the moment `up` began, of the
  // attached services' containers (including ones that appear later).
  const monitor = monitorProject({
    root: g.root, project, services: [...chosen], since: new Date(began),
    abortOnContainerExit: o.abortOnContainerExit, exitCodeFrom: o.exitCodeFrom, timeout,
    reporter: await reporterFor({ ...g, progress: g.progress === 'auto' ? 'plain' : g.progress }),
    onContainer: (name) => printer.add(name),
    onLine: (l) => printer.print(l),
    onExit: (name, code) => printer.notice(name, `exited with code ${code}`),
    onAbort: () => writeErr('Aborting on container exit...\n'),
    onWarning: (m) => writeErr(`warning: ${m}\n`),
  });
  const watching = o.watch ? await startWatching(g, target, services) : undefined;
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts === 1) {
      writeErr('Gracefully stopping... (press Ctrl+C again to force)\n');
      void watching?.stop();
    }
    monitor.interrupt();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await monitor.done;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
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
