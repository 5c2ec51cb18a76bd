// The container driver: OCI spec generation, records and lifecycle via the shim.
export type * from './types.js';
export { Containers } from './lifecycle.js';
export { generateSpec } from './oci-spec.js';
export { inspect } from './inspect.js';
export { exec, top, stats } from './exec.js';
