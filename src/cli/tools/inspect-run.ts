// `berth top` and `berth wait`: per-container views over the project's containers.
import { BerthError } from '../../errors.js';
import { Containers, top } from '../../container/index.js';
import { observeStatus } from '../../container/status.js';
import { projectContainers } from '../../logs/index.js';
import { PS_TITLES, psRow } from './ps-columns.js';
import { statePaths } from '../../state/paths.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { table } from './table.js';
import { repoPath } from '../../repo-root.js';

export async function runTop(g: GlobalOptions, services: string[]): Promise<void> {
  const scope = await projectScope(g, services);
  const paths = statePaths(g.root);
  const c = new Containers(paths);
  let out = '';
  for (const pc of projectContainers(paths, scope.name, { services })) {
    const st = observeStatus(c.pathsOf(pc.record.id), pc.record.id).status;
    if (st !== 'running' && st !== 'paused') continue;
    let t;
    try {
      t = await top(c, pc.record.id);
    } catch (e) {
      if (e instanceof BerthError) continue; // stopped meanwhile
      throw e;
    }
    // ps -ef's columns, as docker compose top shows them.
    const rows = t.processes.map((r) => psRow(Number(r[1]))).filter((r): r is string[] => !!r);
    out += `${pc.record.name}\n${table(PS_TITLES, rows)}\n`;
  }
  process.stdout.write(out);
}

export async function runWait(g: GlobalOptions, services: string[], o: { downProject?: boolean }): Promise<void> {
  const scope = await projectScope(g, services);
  const paths = statePaths(g.root);
  const c = new Containers(paths);
  const list = projectContainers(paths, scope.name, { services, oneoff: true });
  if (list.length === 0) throw new BerthError(`no containers for project "${scope.name}"`);
  let last = 0;
  await Promise.all(list.map(async (pc) => {
    const r = await c.wait(pc.record.id);
    process.stdout.write(`container "${pc.record.id}" exited with status code ${r.exitCode}\n`);
    last = r.exitCode;
  }));
  if (o.downProject) {
    const { spawnSync } = await import('node:child_process');
    const bin = repoPath('bin/berth');
    const globals = [...(g.root ? ['--root', g.root] : []), ...g.file.flatMap((f) => ['-f', f]), '-p', scope.name];
    const r = spawnSync(process.execPath, [bin, ...globals, 'down'], { stdio: 'inherit' });
    if (r.status !== 0) throw new BerthError(`wait --down-project: berth down exited with status ${r.status}`);
  }
  process.exitCode = last;
}
