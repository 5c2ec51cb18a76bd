import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { isBerthError } from '../errors.js';
import { collect, globalsOf } from './globals.js';
import { prepareRoot, takeNotices } from '../project/state-root.js';
import { commandTable, commands } from './commands/index.js';
import { repoPath } from '../repo-root.js';
import { assertPrivileged, privilegeError } from '../project/privileges.js';
import { writeErr } from './output.js';

/** Commands that never read or write the state root (nothing is created for them). */
const STATELESS = new Set(['config', 'version', 'help', 'login', 'logout']);

function version(): string {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The command an argv names (after node and the script), skipping global
 * options and the values of those that take one; undefined when none.
 */
export function commandNameOf(program: Command, args: string[]): string | undefined {
  const valued = new Set<string>();
  for (const o of program.options) {
    if (!o.required && !o.optional) continue;
    if (o.short) valued.add(o.short);
    if (o.long) valued.add(o.long);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (valued.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

/**
 * The CLI. With `argv`, a run of one known command registers only that
 * command (commander's set-up of all ~30 costs a few ms of every start);
 * anything else (help, an unknown or no command) gets them all.
 */
export function buildProgram(argv?: string[]): Command {
  const program = new Command('berth')
    .description('Define and run multi-container applications on Linux, without a daemon.')
    .version(`berth version ${version()}`, '-v, --version', 'print the version and exit')
    .option('-f, --file <path>', 'compose file (repeatable; - for stdin)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'alternate working directory (default: the first file\'s directory)')
    .option('--env-file <path>', 'alternate environment file (repeatable; default: $COMPOSE_ENV_FILES, comma-separated)', collect)
    .option('--profile <name>', 'enable a profile (repeatable)', collect)
    .addOption(new Option('--progress <kind>', 'progress output (default: $COMPOSE_PROGRESS or auto)').choices(['auto', 'tty', 'plain', 'quiet', 'json']).default('auto'))
    .addOption(new Option('--ansi <when>', 'control characters in output (default: $COMPOSE_ANSI or auto)').choices(['auto', 'never', 'always']).default('auto'))
    .option('--root <dir>', 'state root (default: $BERTH_ROOT or /var/lib/berth)')
    .option('--dry-run', 'print what would be done and change nothing')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  // Global options only before the command, so that `logs -f`, `rm -f` and
  // `volume ls -f` keep their own meaning, as in docker compose.
  program.enablePositionalOptions();
  // The state root and runtime dir are made (or tightened to) 0710 before any
  // command that keeps state runs, whichever comes first.
  program.hook('preAction', (_top, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    if (!STATELESS.has(top.name())) prepareRoot(globalsOf(action).root);
  });
  const name = argv ? commandNameOf(program, argv.slice(2)) : undefined;
  if (name !== undefined && name !== 'help' && Object.hasOwn(commandTable, name)) commandTable[name]!(program);
  else for (const register of commands) register(program);
  // Refused before any work: a command that needs root says so in one line.
  // (--dry-run changes nothing: it may run without root on a readable state root.)
  program.hook('preAction', (_program, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    if (!program.opts().dryRun) assertPrivileged(top.name());
  });
  return program;
}

/** What the state layer skipped (unreadable records), one line each. */
function printNotices(): void {
  for (const n of takeNotices()) writeErr(`${n}\n`);
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  const name = commandNameOf(program, argv.slice(2));
  if (name !== undefined && name !== 'help' && !Object.hasOwn(commandTable, name)) {
    const { unknownCommandMessage } = await import('./commands/unknown.js');
    writeErr(unknownCommandMessage(name, program));
    return 15;
  }
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
    printNotices();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    printNotices();
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : 15;
    }
    if (isBerthError(e)) {
      writeErr(`${e.message}\n`);
      return e.exitCode;
    }
    const denied = privilegeError(e, commandNameOf(program, argv.slice(2)) ?? 'berth');
    if (denied) {
      writeErr(`${denied.message}\n`);
      return denied.exitCode;
    }
    writeErr(`berth: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}
