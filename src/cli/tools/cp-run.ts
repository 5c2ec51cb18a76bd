// `berth cp`: which side is the container's, then the service's copy.
import { UsageError } from '../../errors.js';
import { copyWithContainer } from '../../project/cp.js';
import type { CpFlags } from '../commands/cp.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { parseIndex } from './flags.js';
import { exitOnBrokenPipe, writeOut } from '../output.js';

/** "service:path" → [service, path]; a local path (absolute, ./, ../ or without ':') → undefined. */
export function splitContainerArg(arg: string): [string, string] | undefined {
  if (arg === '-' || arg.startsWith('/') || arg.startsWith('.')) return undefined;
  const i = arg.indexOf(':');
  if (i <= 0) return undefined;
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export async function runCp(g: GlobalOptions, src: string, dst: string, o: CpFlags): Promise<void> {
  exitOnBrokenPipe();
  const s = splitContainerArg(src);
  const d = splitContainerArg(dst);
  if (s && d) throw new UsageError('copying between containers is not supported');
  if (!s && !d) throw new UsageError('must specify at least one container source (SERVICE:PATH)');
  const [service, path] = (s ?? d)!;
  if (path === '') throw new UsageError('a container path must not be empty');
  const index = parseIndex(o.index);
  const scope = await projectScope(g, [service]);
  await copyWithContainer({
    root: g.root, project: scope.name, service, path, local: s ? dst : src, toContainer: !!d, index, all: o.all,
    archive: o.archive, followLink: o.followLink, dryRun: g.dryRun, onDryRun: (l) => writeOut(`${l}\n`),
  });
}
