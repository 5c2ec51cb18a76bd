// The network layer's API for the orchestrator and the CLI.
export { getNetwork, ensureNetwork, networkDifferences, repairFirewall } from './networks.js';
export { createNetns, deleteNetns, netnsPath } from './netns.js';
export { parseNetworkMode, attachesNetworks, type NetworkMode } from './mode.js';
export { createNetwork, removeNetwork, listNetworks, inspectNetwork, pruneNetworks, type NetworkSummary } from './networks.js';
export { connectEndpoint, disconnectEndpoint, publishPorts, unpublishPorts, lookupPorts, getEndpoint, hostVethName } from './endpoints.js';
export { resolvConf, hostsFile, hostnameFile, parseExtraHosts } from './dns/files.js';
export { containerFiles, type ContainerDnsOptions, type ContainerFiles } from './container-files.js';
export { nftTableName } from './firewall/firewall.js';
export type * from './types.js';
