// `berth node agent`: the cluster agent, converging this node's part of each
// cluster project with this state root's project service.
import { runAgent } from '../cluster/agent.js';
import { clusterWorkload } from './cluster-workload.js';
import { pathsAt } from './state-root.js';

export function runNodeAgent(root?: string): Promise<void> {
  const paths = pathsAt(root);
  return runAgent(paths, (log) => clusterWorkload(paths, log));
}
