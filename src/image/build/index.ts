// The Dockerfile builder: the public face for the project service and the CLI.
export { buildImage } from './builder.js';
export type { BuildEvent, BuildOptions, BuildResult } from './types.js';
