// The container layer's name for the shared resolver (src/secure-join.ts),
// which the image builder uses too.
export { secureJoin } from '../secure-join.js';
