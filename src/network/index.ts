// The network layer's API for the orchestrator and the CLI.
export { getNetwork, ensureNetwork } from './networks.js';
export { createNetns, deleteNetns } from './netns.js';
export { createNetwork, removeNetwork, listNetworks, inspectNetwork, pruneNetworks, type NetworkSummary } from './networks.js';
export { connectEndpoint, disconnectEndpoint, publishPorts, unpublishPorts, lookupPorts, hostVethName } from './endpoints.js';
export { getEndpoint } from './store.js';
export { resolvConf } from './dns/files.js';
export type * from './types.js';
