import type { Command } from 'commander';
import { config } from '../config.js';
import { UsageError } from '../errors.js';

/** Compose-style options accepted before any command. */
export interface GlobalOptions {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
  progress: 'auto' | 'tty' | 'plain' | 'quiet' | 'json';
  root?: string;
  dryRun: boolean;
  ansi: 'auto' | 'never' | 'always';
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const PROGRESS = ['auto', 'tty', 'plain', 'quiet', 'json'] as const;
const ANSI = ['auto', 'never', 'always'] as const;

/**
 * A global option's value: the flag, else docker compose's variable for it
 * (COMPOSE_PROGRESS, COMPOSE_ANSI), else the default. A bad value in the
 * variable is refused naming the variable, as the flag's choices are.
 */
function fromFlagOrEnv<T extends string>(cmd: Command, key: string, variable: string, allowed: readonly T[], aliases: Record<string, T> = {}): T {
  const flag = cmd.optsWithGlobals()[key] as T | undefined;
  if (flag !== undefined && cmd.getOptionValueSourceWithGlobals(key) === 'cli') return flag;
  const v = process.env[variable];
  if (v === undefined || v === '') return flag ?? allowed[0]!;
  const value = aliases[v] ?? v;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`unsupported ${variable} value "${v}" (${allowed.join(', ')})`);
  return value as T;
}

/** --progress and --ansi together, checked against each other as docker compose does. */
function outputModes(cmd: Command): Pick<GlobalOptions, 'progress' | 'ansi'> {
  let ansi = fromFlagOrEnv(cmd, 'ansi', 'COMPOSE_ANSI', ANSI);
  // NO_COLOR (any non-empty value) turns control characters off, whatever else asks for them.
  if (process.env.NO_COLOR) ansi = 'never';
  const progress = fromFlagOrEnv(cmd, 'progress', 'COMPOSE_PROGRESS', PROGRESS, { none: 'quiet' });
  if (progress === 'tty' && ansi === 'never') throw new UsageError('can\'t use --progress tty while ANSI support is disabled');
  if (progress === 'plain' && ansi === 'always') throw new UsageError('can\'t use --progress plain while ANSI support is forced');
  return { progress, ansi };
}

/** COMPOSE_ENV_FILES: the env files when no --env-file is given (comma-separated). */
function envFilesOf(flag: string[] | undefined): string[] {
  if (flag?.length) return flag;
  return (process.env.COMPOSE_ENV_FILES ?? '').split(',').filter(Boolean);
}

/** Reads the global options from any (sub)command. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    file: (o.file as string[] | undefined) ?? [],
    projectName: o.projectName as string | undefined,
    projectDirectory: o.projectDirectory as string | undefined,
    envFile: envFilesOf(o.envFile as string[] | undefined),
    profile: (o.profile as string[] | undefined) ?? [],
    ...outputModes(cmd),
    root: (o.root as string | undefined) ?? config().root,
    dryRun: Boolean(o.dryRun),
  };
}
