import type { Command } from 'commander';
import { config } from '../config.js';

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

/** Reads the global options from any (sub)command. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  return {
    file: (o.file as string[] | undefined) ?? [],
    projectName: o.projectName as string | undefined,
    projectDirectory: o.projectDirectory as string | undefined,
    envFile: (o.envFile as string[] | undefined) ?? [],
    profile: (o.profile as string[] | undefined) ?? [],
    progress: ((o.progress as string | undefined) ?? 'auto') as GlobalOptions['progress'],
    root: (o.root as string | undefined) ?? config().root,
    dryRun: Boolean(o.dryRun),
    ansi: ((o.ansi as string | undefined) ?? 'auto') as GlobalOptions['ansi'],
  };
}
