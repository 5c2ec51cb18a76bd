// `berth top` and `berth wait`: per-container views over the project's containers.
import { projectProcesses } from '../../project/top.js';
import { waitForContainers } from '../../project/wait.js';
import { PS_TITLES, psRow } from './ps-columns.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { table } from './table.js';
import { writeOut } from '../output.js';

export async function runTop(g: GlobalOptions, services: string[]): Promise<void> {
  const scope = await projectScope(g, services);
  let out = '';
  for (const p of await projectProcesses({ root: g.root, project: scope.name, services })) {
    // ps -ef's columns, as docker compose top shows them.
    const rows = p.pids.map((pid) => psRow(pid)).filter((r): r is string[] => !!r);
    out += `${p.name}\n${table(PS_TITLES, rows)}\n`;
  }
  writeOut(out);
}

export async function runWait(g: GlobalOptions, services: string[], o: { downProject?: boolean }): Promise<void> {
  const scope = await projectScope(g, services);
  const last = await waitForContainers({
    root: g.root, project: scope.name, services,
    onExit: (id, code) => writeOut(`container "${id}" exited with status code ${code}\n`),
  });
  if (o.downProject) {
    // The same call as `berth down` makes, on the same project.
    const { resolveTarget, runCommand } = await import('../project-command.js');
    await runCommand(g, await resolveTarget(g, [], true), { verb: { verb: 'down', options: {} } });
  }
  process.exitCode = last;
}
