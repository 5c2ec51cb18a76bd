// The API of src/compose for the layers below the CLI.
export type * from './model.js';
export { loadProject, loadProjectSync } from './project.js';
export { serviceConfigHash, hashService } from './hash.js';
export { replicasOf } from './normalize-service.js';
export { ComposeError } from './errors.js';
export { configDocument, toJson, toYaml } from './output.js';
export { normalizeProjectName } from './discovery.js';
/** Durations in the model are Go strings ("1m30s"); parseDuration gives nanoseconds. Byte sizes are decimal strings. */
export { parseDuration, parseBytes } from './syntax.js';
