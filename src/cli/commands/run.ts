import type { Command } from 'commander';
import { collect, globalsOf } from '../globals.js';

// `berth run SERVICE [COMMAND...]`: a one-off container of a service.
export function registerRun(program: Command): void {
  program.command('run')
    .description('run a one-off command on a service')
    .argument('<service>', 'service name')
    .argument('[command...]', 'command and arguments (default: the service\'s)')
    .option('-d, --detach', 'run the container in the background and print its name')
    .option('--rm', 'remove the container when it exits')
    .option('--name <name>', 'container name (default: <project>-<service>-run-<random>)')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', collect)
    .option('-l, --label <key=value>', 'add or override a label (repeatable)', collect)
    .option('--entrypoint <cmd>', 'override the entrypoint (shell words; "" resets it)')
    .option('-u, --user <user>', 'run as this user (name or uid[:group])')
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-v, --volume <spec>', 'bind mount a volume (short syntax, repeatable)', collect)
    .option('-p, --publish <spec>', 'publish a container port to the host (repeatable)', collect)
    .option('-P, --service-ports', 'publish the service\'s ports too')
    .option('--no-deps', 'do not start linked services')
    .option('-t, --tty', 'allocate a pseudo-TTY (the default when stdin is a terminal)')
    .option('-T, --no-tty', 'disable pseudo-TTY allocation (default: a TTY when stdin is one)')
    .option('-i, --interactive', 'keep stdin open (with a TTY, the default)')
    .passThroughOptions()
    .action(async (service: string, command: string[], o: RunFlags, cmd: Command) => {
      const { runOneOff } = await import('../tools/run-oneoff.js');
      process.exitCode = await runOneOff(globalsOf(cmd), service, command, o);
    });
}

export interface RunFlags {
  detach?: boolean;
  rm?: boolean;
  name?: string;
  env?: string[];
  label?: string[];
  entrypoint?: string;
  user?: string;
  workdir?: string;
  volume?: string[];
  publish?: string[];
  servicePorts?: boolean;
  deps: boolean;
  /** undefined (neither -t nor -T), true (-t), false (-T). */
  tty?: boolean;
  interactive?: boolean;
}
