// `diff` and `commit` of a container: its overlay upper dir against its
// image's layers. The runtime's own mount points (/etc/hosts, /dev, secrets
// …) appear in the upper dir as empty stubs; like docker's init layer, they
// are neither listed nor committed.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { ContainerRecord } from '../container/record.js';
import { commitUpperDir } from '../image/commit.js';
import { upperChanges, inLowers, type Change } from '../image/upper-changes.js';
import { engineAt } from './engine.js';

export type { Change } from '../image/upper-changes.js';

function lowerDirs(rec: ContainerRecord): string[] {
  return rec.layers.lower.map((l) => join(rec.layers.base, l));
}

/** Mount destinations from the container's OCI config (relative, no leading slash). */
function mountPoints(rec: ContainerRecord): string[] {
  try {
    const spec = JSON.parse(readFileSync(join(rec.bundle, 'config.json'), 'utf8')) as { mounts?: Array<{ destination: string }> };
    return (spec.mounts ?? []).map((m) => m.destination.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Paths of the upper dir that only the runtime made: mount points the image
 * did not have, and the directories above them that hold nothing else.
 */
function runtimeStubs(rec: ContainerRecord): Set<string> {
  const lowers = lowerDirs(rec);
  const skip = new Set<string>();
  const points = mountPoints(rec);
  for (const p of points) if (!inLowers(lowers, p)) skip.add(p);
  const onlyStubs = (dir: string): boolean => {
    let names: string[];
    try { names = readdirSync(join(rec.upper, dir)); } catch { return false; }
    return names.every((n) => skip.has(`${dir}/${n}`));
  };
  // Ancestors of mount points, deepest first: copied up (or made) only to hold a stub.
  const ancestors = [...new Set(points.flatMap((p) => p.split('/').slice(0, -1).map((_x, i, a) => a.slice(0, i + 1).join('/'))))];
  for (const a of ancestors.sort((x, y) => y.length - x.length)) {
    try { if (!lstatSync(join(rec.upper, a)).isDirectory()) continue; } catch { continue; }
    if (onlyStubs(a)) skip.add(a);
  }
  return skip;
}

export function diffContainer(root: string | undefined, ref: string): Change[] {
  const rec = engineAt(root).containers.resolve(ref);
  return upperChanges(rec.upper, lowerDirs(rec), runtimeStubs(rec));
}

export interface CommitRequest { author?: string; change?: string[]; message?: string; pause: boolean }

/** The new image's ID. A running container is paused meanwhile unless `pause` is false. */
export async function commitContainer(root: string | undefined, ref: string, repo: string | undefined, o: CommitRequest): Promise<string> {
  const engine = engineAt(root);
  const rec = engine.containers.resolve(ref);
  if (!rec.image.id) throw new BerthError(`commit: container ${rec.name} has no image ID on record`);
  const status = engine.containers.list().find((x) => x.record.id === rec.id)?.observed.status;
  const pause = o.pause && status === 'running';
  if (pause) await engine.containers.pause(rec.id);
  try {
    const img = await commitUpperDir(engine.images, rec.image.id, rec.upper, {
      ref: repo, changes: o.change, message: o.message, author: o.author, skip: runtimeStubs(rec),
      createdBy: rec.process.args.join(' '),
    });
    return img.id;
  } finally {
    if (pause) await engine.containers.unpause(rec.id);
  }
}
