// `berth node agent`: the cluster agent, converging this node's part of each
// cluster project with this state root's project service.
import { runAgent } from '../cluster/agent.js';
import { clusterWorkload } from './cluster-workload.js';
import { engineAt } from './engine.js';

export function runNodeAgent(root?: string): Promise<void> {
  const { paths, config } = engineAt(root);
  return runAgent(paths, config, (log) => clusterWorkload(paths, log));
}
