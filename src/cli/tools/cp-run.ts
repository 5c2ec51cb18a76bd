// `berth cp`: picks the service container, its root (the running process's
// /proc/<pid>/root, mounts and volumes included, or the overlay mount of a
// stopped one), and copies with src/cp.
import { BerthError, UsageError } from '../../errors.js';
import { Containers } from '../../container/index.js';
import type { ContainerRecord } from '../../container/record.js';
import { containerRoot } from '../../cp/container-root.js';
import { copyPath } from '../../cp/copy.js';
import { containerSide, hostSide, type Side } from '../../cp/sides.js';
import { extractFromStream, packToStream } from '../../cp/tar.js';
import { projectContainers, serviceContainer } from '../../logs/select.js';
import { statePaths } from '../../state/paths.js';
import type { CpFlags } from '../commands/cp.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { parseIndex, exitOnBrokenPipe } from './flags.js';

/** "service:path" → [service, path]; a local path (absolute, ./, ../ or without ':') → undefined. */
export function splitContainerArg(arg: string): [string, string] | undefined {
  if (arg === '-' || arg.startsWith('/') || arg.startsWith('.')) return undefined;
  const i = arg.indexOf(':');
  if (i <= 0) return undefined;
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export function sideOf(c: Containers, rec: ContainerRecord): Side {
  const at = containerRoot(c, rec);
  if (!at) throw new BerthError(`container ${rec.name}: its root filesystem is not mounted; start it first`);
  return containerSide(rec.name, at.root, rec.process.cwd || '/');
}

export async function runCp(g: GlobalOptions, src: string, dst: string, o: CpFlags): Promise<void> {
  exitOnBrokenPipe();
  const s = splitContainerArg(src);
  const d = splitContainerArg(dst);
  if (s && d) throw new UsageError('copying between containers is not supported');
  if (!s && !d) throw new UsageError('must specify at least one container source (SERVICE:PATH)');
  const [service, cpath] = (s ?? d)!;
  if (cpath === '') throw new UsageError('a container path must not be empty');
  const index = parseIndex(o.index);
  const scope = await projectScope(g, [service]);
  const paths = statePaths(g.root);
  const c = new Containers(paths);
  const recs = o.all && d ? projectContainers(paths, scope.name, { services: [service] }).map((p) => p.record)
    : [serviceContainer(paths, scope.name, service, index).record];
  if (recs.length === 0) throw new BerthError(`service "${service}" has no container`);
  for (const rec of recs) {
    const side = sideOf(c, rec);
    if (g.dryRun) {
      process.stdout.write(`Copy ${s ? `${rec.name}:${cpath}` : src} to ${d ? `${rec.name}:${cpath}` : dst}\n`);
      continue;
    }
    if (s) {
      if (dst === '-') await packToStream(side, cpath, !!o.followLink, process.stdout);
      else copyPath(side, cpath, hostSide(), dst, o);
    } else if (src === '-') {
      await extractFromStream(side, cpath, process.stdin, !!o.archive);
    } else {
      copyPath(hostSide(), src, side, cpath, o);
    }
  }
}
