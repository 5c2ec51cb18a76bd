import type { Command } from 'commander';
import { collect, globalsOf } from '../globals.js';
import { guard } from '../guard.js';

// `berth inspect`, `berth diff`, `berth commit`: docker's engine-level views
// and snapshots of single containers (and, for inspect, of any object).
// registerInspectCommands mounts all three under another command too
// (`berth container inspect` inspects containers only).

type InspectScope = { type?: 'container' };

function addInspect(parent: Command, scope: InspectScope): void {
  const cmd = parent.command('inspect')
    .description(scope.type ? 'display detailed information on containers' : 'display detailed information on containers, images, networks or volumes')
    .argument('<name...>', 'names or IDs');
  if (!scope.type) cmd.option('--type <type>', 'only look for this kind of object: container, image, network or volume');
  cmd.option('-f, --format <template>', 'a Go template ("{{.State.Status}}"), or json')
    .action(guard(async (names: string[], o: { type?: string; format?: string }, c: Command) => {
      const { inspectCommand } = await import('../tools/object-inspect.js');
      await inspectCommand(globalsOf(c).root, names, { format: o.format, type: scope.type ?? o.type });
    }));
}

function addDiff(parent: Command): void {
  parent.command('diff').description('list the files a container added (A), changed (C) or deleted (D)')
    .argument('<container>', 'container name or ID')
    .action(guard(async (ref: string, _o: unknown, c: Command) => {
      const { diffCommand } = await import('../tools/commit-run.js');
      await diffCommand(globalsOf(c).root, ref);
    }));
}

function addCommit(parent: Command): void {
  parent.command('commit').description('create a new image from a container\'s changes')
    .argument('<container>', 'container name or ID')
    .argument('[repository]', 'name[:tag] for the new image')
    .option('-a, --author <author>', 'author (e.g. "Jane Doe <jane@example.com>")')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL (repeatable)', collect)
    .option('-m, --message <text>', 'commit message')
    // docker's spelling: --pause=false (or -p=false) commits without pausing
    .option('-p, --pause [bool]', 'pause the container while committing (default true)', (v: string) => v !== 'false', true)
    .action(guard(async (ref: string, repo: string | undefined, o: { author?: string; change?: string[]; message?: string; pause: boolean }, c: Command) => {
      const { commitCommand } = await import('../tools/commit-run.js');
      await commitCommand(globalsOf(c).root, ref, repo, o);
    }));
}

export function registerInspect(program: Command): void { addInspect(program, {}); }
export function registerDiff(program: Command): void { addDiff(program); }
export function registerCommit(program: Command): void { addCommit(program); }

/**
 * Adds inspect, diff and commit to `parent` (e.g. `container`): there, inspect looks at containers only.
 * @public (the `container` command mounts these)
 */
export function registerInspectCommands(parent: Command, scope: InspectScope = { type: 'container' }): void {
  addInspect(parent, scope);
  addDiff(parent);
  addCommit(parent);
}
