// What a build reports, and docker's plain rendering of it, apart from the
// builder: the CLI sets up build progress on every `up`, and importing
// ./build.js for it would load the whole image builder (~13 ms) when nothing
// is built.
export { BuildEventFormatter } from '../image/build/progress-text.js';
export type { BuildEvent } from '../image/build/types.js';
