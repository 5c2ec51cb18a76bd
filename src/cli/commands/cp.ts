import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

// `berth cp SERVICE:SRC DEST|-` and `berth cp SRC|- SERVICE:DEST`: copy files and directories.
export function registerCp(program: Command): void {
  program.command('cp')
    .description('copy files/folders between a service container and the local filesystem')
    .argument('<source>', 'SERVICE:SRC_PATH, a local path, or - (a tar archive on stdin)')
    .argument('<destination>', 'SERVICE:DEST_PATH, a local path, or - (a tar archive to stdout)')
    .option('--index <n>', 'index of the container if the service has several replicas')
    .option('--all', 'copy to all the containers of the service')
    .option('-a, --archive', 'archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'always follow a symbolic link given as SRC_PATH')
    .action(async (src: string, dst: string, o: CpFlags, cmd: Command) => {
      const { runCp } = await import('../tools/cp-run.js');
      await runCp(globalsOf(cmd), src, dst, o);
    });
}

export interface CpFlags {
  index?: string;
  all?: boolean;
  archive?: boolean;
  followLink?: boolean;
}
