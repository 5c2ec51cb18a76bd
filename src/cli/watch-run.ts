// `berth watch` and `up --watch`: flags → WatchOptions, one call into src/watch.
import type { WatchFlags } from './commands/watch.js';
import type { GlobalOptions } from './globals.js';
import { resolveTarget, runCommand, type Target } from './project-command.js';
import { reporterFor } from './progress.js';
import { writeOut } from './output.js';

const writeLine = (l: string) => void writeOut(`${l}\n`);

export async function watchOptionsOf(g: GlobalOptions, target: Target, services: string[], o: WatchFlags) {
  const { pathsAt } = await import('../project/state-root.js');
  const quiet = !!o.quiet || g.progress === 'quiet';
  return {
    paths: pathsAt(g.root), project: target.project!, services, log: writeLine, prune: !!o.prune,
    reporter: await reporterFor({ ...g, progress: quiet ? 'quiet' : 'plain' }),
  };
}

export async function watchCommand(g: GlobalOptions, services: string[], o: WatchFlags): Promise<number> {
  const target = await resolveTarget(g, services);
  const { watchUntilInterrupted } = await import('../watch/index.js');
  return watchUntilInterrupted({
    ...(await watchOptionsOf(g, target, services, o)),
    up: o.up === false ? undefined : () => runCommand(g, target, {
      verb: { verb: 'up', options: { services: services.length ? services : undefined, build: true } },
    }),
  });
}
