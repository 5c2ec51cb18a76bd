import type { Command } from 'commander';
// Each command module registers its flags and loads its implementation
// lazily inside the action, so that start-up stays cheap.
import { registerVersion } from './version.js';
import { registerConfig } from './config.js';
import { registerConvert } from './convert.js';
import { registerImage } from './image.js';
import { registerLogin, registerLogout } from './login.js';
import { registerImages, registerPull, registerPush } from './pull.js';
import { registerBuild } from './build.js';
import { registerNetwork } from './network.js';
import { registerNode } from './node.js';
import { registerPort } from './port.js';
import { registerVolume } from './volume.js';
import { registerLogs } from './logs.js';
import { registerExec } from './exec.js';
import { registerTop } from './top.js';
import { registerWait } from './wait.js';
import { registerLs } from './ls.js';
import { registerStats } from './stats.js';
import { registerEvents } from './events.js';
import { registerCp } from './cp.js';
import { registerRun } from './run.js';
import { registerUp } from './up.js';
import { registerWatch } from './watch.js';
import { registerDown } from './down.js';
import { registerCreate } from './create.js';
import { registerRm } from './rm.js';
import { registerPs } from './ps.js';
import { registerSystem } from './system.js';
import { registerCommit, registerDiff, registerInspect } from './inspect.js';
import { registerSearch } from './search.js';
import { registerContainer } from './container.js';
import { registerKill, registerPause, registerRestart, registerStart, registerStop, registerUnpause } from './lifecycle.js';

type Register = (program: Command) => void;

/**
 * Top-level command name → the function that registers it: a run of one
 * known command registers only that one (see buildProgram). A unit test
 * checks that this table and `commands` name the same commands.
 */
export const commandTable: Record<string, Register> = {
  version: registerVersion, config: registerConfig, convert: registerConvert, image: registerImage, images: registerImages, pull: registerPull,
  push: registerPush, login: registerLogin, logout: registerLogout, network: registerNetwork, node: registerNode, port: registerPort,
  volume: registerVolume, logs: registerLogs, exec: registerExec, top: registerTop, wait: registerWait, ls: registerLs,
  stats: registerStats, events: registerEvents, cp: registerCp, run: registerRun, up: registerUp, down: registerDown,
  create: registerCreate, start: registerStart, stop: registerStop, restart: registerRestart, kill: registerKill,
  pause: registerPause, unpause: registerUnpause, rm: registerRm, ps: registerPs, build: registerBuild, watch: registerWatch,
  system: registerSystem, inspect: registerInspect, diff: registerDiff, commit: registerCommit,
  search: registerSearch, container: registerContainer,
};

export const commands: Register[] = [
  registerVersion,
  registerConfig,
  registerConvert,
  registerImage,
  registerImages,
  registerPull,
  registerPush,
  registerLogin,
  registerLogout,
  registerNetwork,
  registerNode,
  registerPort,
  registerVolume,
  registerLogs,
  registerExec,
  registerTop,
  registerWait,
  registerLs,
  registerStats,
  registerEvents,
  registerCp,
  registerRun,
  registerUp,
  registerDown,
  registerCreate,
  registerStart,
  registerStop,
  registerRestart,
  registerKill,
  registerPause,
  registerUnpause,
  registerRm,
  registerPs,
  registerBuild,
  registerWatch,
  registerSystem,
  registerInspect,
  registerDiff,
  registerCommit,
  registerSearch,
  registerContainer,
];
