import type { Command } from 'commander';
import { collect, globalsOf } from '../globals.js';

// `berth exec SERVICE COMMAND [ARGS...]`: run a command in a running service container.
export function registerExec(program: Command): void {
  program.command('exec')
    .description('execute a command in a running service container')
    .argument('<service>', 'service name')
    .argument('<command...>', 'command and arguments')
    .option('-d, --detach', 'run the command in the background')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('--index <n>', 'index of the container if the service has several replicas')
    .option('--privileged', 'give extended privileges (all capabilities) to the process')
    .option('-t, --tty', 'allocate a pseudo-TTY (the default when stdin is a terminal)')
    .option('-T, --no-tty', 'disable pseudo-TTY allocation (default: a TTY when stdin is one)')
    .option('-i, --interactive', 'keep stdin open (always on; accepted for compatibility)')
    .option('-u, --user <user>', 'run as this user (name or uid[:group])')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .passThroughOptions()
    .action(async (service: string, command: string[], o: ExecFlags, cmd: Command) => {
      const { runExec } = await import('../tools/exec-run.js');
      await runExec(globalsOf(cmd), service, command, o);
    });
}

export interface ExecFlags {
  detach?: boolean;
  env?: string[];
  index?: string;
  privileged?: boolean;
  /** undefined (neither -t nor -T), true (-t), false (-T). */
  tty?: boolean;
  user?: string;
  workdir?: string;
}
