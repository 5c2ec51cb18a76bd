// `berth up` itself: converge, then (attached) stream logs with prefixes and
// watch the containers: exit codes per Compose (--exit-code-from,
// --abort-on-container-exit), Ctrl-C stops the project gracefully and a
// second Ctrl-C kills it.
import { BerthError } from '../errors.js';
import { reconcile } from '../reconcile/reconcile.js';
import { planKill, planStop } from '../reconcile/lifecycle.js';
import type { GlobalOptions } from './globals.js';
import { parseTimeout, resolveTarget, runCommand, type Target } from './project-command.js';
import { upOptionsOf, type UpFlags } from './up-options.js';

export async function upCommand(g: GlobalOptions, services: string[], o: UpFlags): Promise<number> {
  if (o.exitCodeFrom) o.abortOnContainerExit = true;
  const began = Date.now();
  const detach = !!o.detach || !!o.wait;
  const opts = upOptionsOf(services, { ...o, detach });
  if (o.exitCodeFrom && services.length && !services.includes(o.exitCodeFrom)) throw new BerthError(`--exit-code-from: service ${o.exitCodeFrom} is not among the services started`);
  const target = await resolveTarget(g, services);
  if (o.exitCodeFrom && !target.project?.services[o.exitCodeFrom]) throw new BerthError(`--exit-code-from: no such service: ${o.exitCodeFrom}`);
  // Bad watch rules are refused before anything starts.
  if (o.watch) (await import('../watch/index.js')).compileWatch(target.project!, services);
  const timeout = parseTimeout(o.timeout);
  const waitTimeout = parseTimeout(o.waitTimeout);

  // Ctrl-C while converging: start nothing new, then stop what runs (attached) or just return.
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  let r;
  try {
    r = await runCommand(g, target, {
      plan: (d, a, second) => reconcile(d, a, second ? { ...opts, pull: 'never', build: false, noBuild: false } : opts),
      drivers: { timeout, waitTimeoutMs: waitTimeout !== undefined ? waitTimeout * 1000 : undefined },
      signal: ac.signal,
    });
  } catch (e) {
    if (!ac.signal.aborted || detach) throw e;
    // Ctrl-C while converging in attached mode: stop what was started, as docker compose does.
    process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
    await runCommand({ ...g, progress: g.progress === 'auto' ? 'plain' : g.progress }, target, { plan: (d, a) => planStop(d, a, {}), drivers: { timeout } });
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (g.dryRun || detach || opts.noStart) return 0;
  return attach(g, target, services, o, timeout, began);
}

async function attach(g: GlobalOptions, target: Target, services: string[], o: UpFlags, timeout: number | undefined, began: number): Promise<number> {
  const { Engine } = await import('../project/engine.js');
  const { observeContainers } = await import('../project/observe.js');
  const { followProject, LogPrinter, displayName, timeOf } = await import('../logs/index.js');
  const { statePaths } = await import('../state/paths.js');
  const paths = statePaths(g.root);
  const engine = new Engine(paths);
  const project = target.project!;
  const chosen = new Set(o.attach?.length ? o.attach : services.length ? services : Object.keys(project.services));
  if (o.attachDependencies && !o.attach?.length) {
    for (const s of [...chosen]) for (const d of Object.keys(project.services[s]?.depends_on ?? {})) chosen.add(d);
  }
  for (const s of o.noAttach ?? []) chosen.delete(s);
  const containers = observeContainers(engine, target.name).filter((c) => !c.oneoff && chosen.has(c.service));
  const short = (c: { name: string; service: string }) => displayName(c.name, target.name, c.service);
  const printer = new LogPrinter({
    color: o.color !== false && g.ansi !== 'never' && (g.ansi === 'always' || !!process.stdout.isTTY),
    prefix: o.logPrefix !== false, timestamps: !!o.timestamps,
  });
  // The logs of this run only: entries from the moment `up` began, of the
  // attached services' containers (including ones that appear later).
  const stopFollowing = new AbortController();
  let pollNow = () => {};
  const following = chosen.size === 0 ? Promise.resolve() : followProject(paths, target.name, {
    services: [...chosen], since: timeOf(new Date(began)), signal: stopFollowing.signal,
    onContainer: (_c, name) => printer.add(name),
    onLine: (l) => printer.print(l),
    onFollow: (p) => { pollNow = p; },
  }).catch((e: Error) => { process.stderr.write(`warning: following the logs: ${e.message}\n`); });

  const watching = o.watch ? await startWatching(g, target, services) : undefined;
  let interrupts = 0;
  let stopping: Promise<unknown> | undefined;
  let code: number | undefined;
  const stopAll = (kill: boolean) => runCommand({ ...g, progress: g.progress === 'auto' ? 'plain' : g.progress }, target, {
    plan: (d, a) => (kill ? planKill(d, a, {}) : planStop(d, a, {})), drivers: { timeout },
  }).catch((e: Error) => process.stderr.write(`${e.message}\n`));
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      code ??= 130;
      stopping = Promise.all([watching?.stop(), stopAll(false)]);
    } else {
      code = 130;
      stopping = stopAll(true);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const reported = new Set<string>();
  try {
    for (;;) {
      await new Promise((res) => setTimeout(res, 200));
      if (stopping) { await stopping; break; }
      const now = observeContainers(engine, target.name).filter((c) => containers.some((x) => x.id === c.id));
      for (const c of now) {
        if ((c.status !== 'exited' && c.status !== 'dead') || reported.has(c.id)) continue;
        reported.add(c.id);
        pollNow(); // the container's last lines come before its exit notice
        printer.notice(short(c), `exited with code ${c.exitCode ?? -1}`);
        if (o.abortOnContainerExit && !stopping) {
          code = o.exitCodeFrom ? undefined : c.exitCode ?? 1;
          process.stderr.write('Aborting on container exit...\n');
          stopping = stopAll(false);
        }
      }
      const running = now.filter((c) => c.status === 'running' || c.status === 'restarting' || c.status === 'paused' || c.status === 'created');
      if (running.length === 0 && !stopping) break;
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await watching?.stop();
    pollNow();
    stopFollowing.abort();
    await following;
  }
  await stopping; // a second Ctrl-C may have replaced the graceful stop with a kill
  if (o.exitCodeFrom) {
    const c = observeContainers(engine, target.name).filter((x) => x.service === o.exitCodeFrom && !x.oneoff);
    return c.find((x) => x.exitCode !== 0)?.exitCode ?? c[0]?.exitCode ?? 0;
  }
  return code ?? 0;
}

/** up --watch: the watch runs beside the logs, its lines interleaved with theirs. */
async function startWatching(g: GlobalOptions, target: Target, services: string[]) {
  const [{ startWatch }, { watchOptionsOf }] = await Promise.all([import('../watch/index.js'), import('./watch-run.js')]);
  const session = await startWatch(await watchOptionsOf(g, target, services, {}));
  session.failed.catch((e: Error) => process.stderr.write(`${e.message}\n`));
  return session;
}
