import { Option, type Command } from 'commander';
import { globalsOf } from '../globals.js';
import { features } from '../../project/features.js';
import type { UpFlags } from '../up-options.js';

const many = (v: string, p: string[] = []) => [...p, v];

// `berth up`: converge the project (create, recreate, start), then either
// return (-d) or follow every service's logs until the containers exit or
// Ctrl-C stops the project (a second Ctrl-C kills it).
export function registerUp(program: Command): void {
  const noAttach = new Option('--no-attach <service>', 'do not attach (stream logs) to this service (repeatable)').argParser(many);
  noAttach.negate = false;
  noAttach.attributeName = () => 'noAttach';
  program.command('up').description('create and start the project\'s containers')
    .argument('[service...]', 'services (default: all enabled ones)')
    .option('-d, --detach', 'run in the background: start the containers and return')
    .addOption(new Option('--build', 'build images before starting containers').hideHelp(!features.build))
    .option('--no-build', 'do not build an image, even when it is missing')
    .addOption(new Option('--pull <policy>', 'pull images before running').choices(['always', 'missing', 'never', ...(features.build ? ['build'] : [])]))
    .option('--wait', 'wait for services to be running or healthy (implies -d)')
    .option('--wait-timeout <seconds>', 'give up --wait after this many seconds')
    .option('--force-recreate', 'recreate containers even if their configuration has not changed')
    .option('--no-recreate', 'never recreate existing containers')
    .option('--always-recreate-deps', 'recreate dependent containers (with --force-recreate semantics)')
    .option('--no-deps', 'do not start linked services')
    .option('--remove-orphans', 'remove containers of services not defined in the file')
    .option('--scale <service=n>', 'scale a service to n containers (repeatable)', many)
    .option('--no-start', 'create the containers but do not start them')
    .option('--abort-on-container-exit', 'stop all containers when any container stops')
    .option('--exit-code-from <service>', 'return this service\'s exit code (implies --abort-on-container-exit)')
    .option('--attach <service>', 'stream only these services\' logs (repeatable)', many)
    .addOption(noAttach)
    .option('--attach-dependencies', 'also stream the logs of the dependencies')
    .option('-t, --timeout <seconds>', 'shutdown timeout in seconds')
    .option('--no-log-prefix', 'do not print the prefix in logs')
    .option('--no-color', 'monochrome output')
    .option('--timestamps', 'show timestamps')
    .option('-w, --watch', 'watch the develop.watch paths and sync, restart or rebuild the services when files change')
    .option('-V, --renew-anon-volumes', 'recreate anonymous volumes instead of reusing those of the previous containers')
    .action(async (services: string[], o: UpFlags, cmd: Command) => {
      const { upCommand } = await import('../up-run.js');
      process.exitCode = await upCommand(globalsOf(cmd), services, o);
    });
}
