// The engine-level `container …` verbs, for the CLI.
export { ENGINE_SCOPE, type ContainerRunSpec, type HealthFlags } from './run-spec.js';
export { createEngineContainer, DEFAULT_NETWORK } from './create.js';
export { runContainer, type ContainerRunOptions, type ContainerRunResult } from './run.js';
export {
  containerOf, killContainer, listContainers, pauseContainer, pruneContainers, removeContainer, renameContainer, restartContainer, startContainer,
  stopContainer, unpauseContainer, waitContainer,
} from './lifecycle.js';
export { attachContainer, containerLogs, containerPorts, containerProcesses, copyWithEngineContainer, execInContainer } from './views.js';
export { containerStatsSampler } from '../stats.js';
export { engineAt } from '../engine.js';
