// The project service as the node agent's Workload: this node's part of a
// cluster project converged by the same reconciler as a single-host `up`.
import type { Workload } from '../cluster/project-agent.js';
import type { StatePaths } from '../state/paths.js';
import { runLifecycle } from './lifecycle.js';
import { Engine } from './engine.js';
import { timedPsRows } from './ps.js';
import { serveRequests } from './remote-serve.js';

export function clusterWorkload(paths: StatePaths, log: (msg: string) => void): Workload {
  const reporter = { warn: (m: string) => log(`warning: ${m}`) };
  return {
    async up(project, services) {
      // The part is the whole desired project of this node: containers of services placed elsewhere are orphans here.
      await runLifecycle({ paths, project, projectName: project.name, verb: { verb: 'up', options: { services, removeOrphans: true } }, reporter });
    },
    async down(name, volumes) {
      await runLifecycle({ paths, projectName: name, verb: { verb: 'down', options: { removeVolumes: volumes, removeOrphans: true } }, reporter });
    },
    rows(name) {
      return timedPsRows(new Engine(paths), name).map(({ Status: _status, ...row }) => row);
    },
    serve: serveRequests(paths),
  };
}
