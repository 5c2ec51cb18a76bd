// What a Compose user typing a command berth does not have is told: the
// nearest thing berth offers, if any, and the commands that exist (taken
// from the registered program, so the list follows the command table).
import type { Command } from 'commander';

/** docker compose commands berth has no command for, and where to go instead. */
const ELSEWHERE: Record<string, string> = {
  build: 'images come from a registry (berth pull), a tarball (berth image load) or a root filesystem (berth image import)',
  watch: 'run `berth up -d` again after a change: it recreates only what changed',
  convert: '`berth config` prints the normalized project',
  attach: '`berth logs -f SERVICE` follows a service\'s output; `berth exec SERVICE sh` opens a shell in it',
  scale: 'use `berth up -d --scale SERVICE=N`',
  commit: 'berth does not make images from containers; `berth cp SERVICE:PATH -` copies files out as a tar archive',
  export: '`berth cp SERVICE:PATH -` writes a path of the container as a tar archive',
  publish: '`berth push` pushes the images the project builds',
  alpha: 'berth has no experimental commands',
};

/** The lines printed for an unknown command `name`, given the full program. */
export function unknownCommandMessage(name: string, program: Command): string {
  const cmds = program.commands.filter((c) => c.name() !== 'help');
  const engine = cmds.filter((c) => c.commands.length > 0).map((c) => c.name()).sort();
  const project = cmds.filter((c) => c.commands.length === 0).map((c) => c.name()).sort();
  const hint = Object.hasOwn(ELSEWHERE, name) ? ` (docker compose's ${name}: ${ELSEWHERE[name]})` : '';
  return `berth: unknown command "${name}"${hint}\n`
    + `project commands: ${project.join(', ')}\n`
    + `engine commands: ${engine.map((n) => `${n} …`).join(', ')}\n`
    + 'run `berth COMMAND --help` for one command\'s options\n';
}
