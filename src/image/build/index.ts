// The Dockerfile builder: the public face for the project service and the CLI.
export { buildImage } from './builder.js';
export type { BuildEvent, BuildOptions, BuildResult, BuildTimings } from './types.js';
export type { RunMount, RunStep, StepRunner } from './runner.js';
export { DockerfileError, parseDockerfile } from './dockerfile-parse.js';
export { BuildEventFormatter, formatBuildEvent } from './progress-text.js';
