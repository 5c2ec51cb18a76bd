import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { isSignal, signalSpelling } from '../../signals.js';
import { globalsOf } from '../globals.js';

// start, stop, restart, kill, pause, unpause: one lifecycle verb each of
// the project service, run under the project lock with progress.
type Planner = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill';

async function run(cmd: Command, services: string[], planner: Planner, extra: { timeout?: string; signal?: string; removeOrphans?: boolean } = {}): Promise<void> {
  const { resolveTarget, runCommand, parseTimeout } = await import('../project-command.js');
  const g = globalsOf(cmd);
  const target = await resolveTarget(g, services, true);
  const opts = { services: services.length ? services : undefined, signal: extra.signal, removeOrphans: extra.removeOrphans };
  await runCommand(g, target, {
    verb: { verb: planner, options: opts },
    drivers: { timeout: parseTimeout(extra.timeout) },
  });
}

/** Signal names as kill -s takes them: SIGTERM, TERM, 15; anything else is a usage error. */
export function normalizeSignal(s: string): string {
  const spelled = signalSpelling(s);
  if (isSignal(spelled)) return spelled;
  throw new UsageError(`invalid signal "${s}": use a name such as SIGTERM or TERM, or a number from 1 to 64`);
}

export function registerStart(program: Command): void {
  program.command('start').description('start existing containers of the project')
    .argument('[service...]', 'services')
    .action(async (services: string[], _o: unknown, cmd: Command) => run(cmd, services, 'start'));
}

export function registerStop(program: Command): void {
  program.command('stop').description('stop running containers without removing them')
    .argument('[service...]', 'services')
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .action(async (services: string[], o: { timeout?: string }, cmd: Command) => run(cmd, services, 'stop', o));
}

export function registerRestart(program: Command): void {
  program.command('restart').description('restart the project\'s containers')
    .argument('[service...]', 'services')
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .action(async (services: string[], o: { timeout?: string }, cmd: Command) => run(cmd, services, 'restart', o));
}

export function registerKill(program: Command): void {
  program.command('kill').description('force running containers to stop (SIGKILL or -s)')
    .argument('[service...]', 'services')
    .option('-s, --signal <signal>', 'signal to send', 'SIGKILL')
    .option('--remove-orphans', 'also kill containers of services not defined in the file')
    .action(async (services: string[], o: { signal: string; removeOrphans?: boolean }, cmd: Command) => run(cmd, services, 'kill', { signal: normalizeSignal(o.signal), removeOrphans: o.removeOrphans }));
}

export function registerPause(program: Command): void {
  program.command('pause').description('pause the project\'s running containers')
    .argument('[service...]', 'services')
    .action(async (services: string[], _o: unknown, cmd: Command) => run(cmd, services, 'pause'));
}

export function registerUnpause(program: Command): void {
  program.command('unpause').description('unpause the project\'s paused containers')
    .argument('[service...]', 'services')
    .action(async (services: string[], _o: unknown, cmd: Command) => run(cmd, services, 'unpause'));
}
