import type { Command } from 'commander';
import { collect, globalsOf } from '../globals.js';
import { guard } from '../guard.js';

interface BuildCmdFlags { cache?: boolean; pull?: boolean; buildArg?: string[]; quiet?: boolean }

// `berth build [SERVICE...]`: build the images of the project's services
// that have a build section (engine level: `berth image build`).
export function registerBuild(program: Command): void {
  program.command('build').description('build the images of the project\'s services')
    .argument('[service...]', 'only these services (default: every service with build:)')
    .option('--no-cache', 'do not use the build cache')
    .option('--pull', 'always pull the base images again')
    .option('--build-arg <key=value>', 'set a build argument (repeatable; KEY alone takes it from the environment)', collect)
    .option('-q, --quiet', 'print nothing but errors')
    .action(guard(async (services: string[], o: BuildCmdFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      const [{ loadProjectFromGlobals }, { buildProject }, { pathsAt }, { buildProgress, buildArgsOf, withInterrupt }] = await Promise.all([
        import('../project-loader.js'), import('../../project/build.js'), import('../../project/state-root.js'), import('../build/progress.js'),
      ]);
      const project = await loadProjectFromGlobals(g, { services });
      await withInterrupt((signal) => buildProject(pathsAt(g.root), project, services, {
        noCache: o.cache === false, pull: !!o.pull, buildArgs: buildArgsOf(o.buildArg), progress: buildProgress(g, o.quiet), signal,
      }));
    }));
}
