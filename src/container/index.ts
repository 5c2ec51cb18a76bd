// The container driver: OCI spec generation, records and lifecycle via the shim.
export type * from './types.js';
export { Containers, removeCgroups } from './lifecycle.js';
export { generateSpec, type SpecContext } from './oci-spec.js';
export { composeLabels, type ContainerRecord } from './record.js';
export { inspect, inspectRecord, type ContainerInspect } from './inspect.js';
export { exec, top, stats, type ExecOptions, type ExecResult, type ContainerStats, type TopResult } from './exec.js';
export type { ContainerStatus, ShimState } from './status.js';
export { DEFAULT_RUNTIME, RUNTIME_NAMES, resolveRuntime, runtimeError, type RuntimeChoice } from './runtimes.js';
