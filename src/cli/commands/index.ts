import type { Command } from 'commander';
// Each command module registers its flags and loads its implementation
// lazily inside the action, so that start-up stays cheap.
import { registerVersion } from './version.js';
import { registerVolume } from './volume.js';

export const commands: Array<(program: Command) => void> = [
  registerVersion,
  registerVolume,
];
