import { Option, type Command } from 'commander';
import { globalsOf } from '../globals.js';
import { guard } from '../guard.js';


// Compose-level `berth pull [SERVICE...]` / `berth push [SERVICE...]`: the
// images of the project's services. The engine-level forms are
// `berth image pull REF` / `berth image push REF`.
export function registerPull(program: Command): void {
  program.command('pull').description('pull the images of the project\'s services')
    .argument('[service...]', 'only these services')
    .option('--ignore-pull-failures', 'pull what it can and ignore images that fail')
    .option('--ignore-buildable', 'ignore images that can be built')
    .option('--include-deps', 'also pull the images of the named services\' dependencies')
    .addOption(new Option('--policy <policy>', 'apply this pull policy to every service').choices(['missing', 'always']))
    .option('-q, --quiet', 'pull without printing progress')
    .action(guard(async (services: string[], o: { ignorePullFailures?: boolean; ignoreBuildable?: boolean; includeDeps?: boolean; policy?: 'missing' | 'always'; quiet?: boolean }, cmd: Command) => {
      const { composePull } = await import('../compose-images.js');
      await composePull(globalsOf(cmd), services, o);
    }));
}

export function registerPush(program: Command): void {
  program.command('push').description('push the images of the project\'s services that have build: and image:')
    .argument('[service...]', 'only these services')
    .option('--ignore-push-failures', 'push what it can and ignore images that fail')
    .option('--include-deps', 'also push the images of the named services\' dependencies')
    .option('-q, --quiet', 'push without printing progress')
    .action(guard(async (services: string[], o: { ignorePushFailures?: boolean; includeDeps?: boolean; quiet?: boolean }, cmd: Command) => {
      const { composePush } = await import('../compose-images.js');
      await composePush(globalsOf(cmd), services, o);
    }));
}

/** `berth images [SERVICE...]`: the images the project's containers use (engine list: `berth image ls`). */
export function registerImages(program: Command): void {
  program.command('images').description('list the images used by the project\'s containers')
    .argument('[service...]', 'only these services')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-q, --quiet', 'only print image IDs')
    .action(guard(async (services: string[], o: { format: 'table' | 'json'; quiet?: boolean }, cmd: Command) => {
      const { composeImages } = await import('../compose-images.js');
      await composeImages(globalsOf(cmd), services, o);
    }));
}
