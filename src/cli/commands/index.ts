import type { Command } from 'commander';
// Each command module registers its flags and loads its implementation
// lazily inside the action, so that start-up stays cheap.
import { registerVersion } from './version.js';
import { registerConfig } from './config.js';
import { registerImage } from './image.js';
import { registerLogin, registerLogout } from './login.js';
import { registerImages, registerPull, registerPush } from './pull.js';
import { registerNetwork } from './network.js';
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
import { registerDown } from './down.js';
import { registerCreate } from './create.js';
import { registerRm } from './rm.js';
import { registerPs } from './ps.js';
import { registerKill, registerPause, registerRestart, registerStart, registerStop, registerUnpause } from './lifecycle.js';

export const commands: Array<(program: Command) => void> = [
  registerVersion,
  registerConfig,
  registerImage,
  registerImages,
  registerPull,
  registerPush,
  registerLogin,
  registerLogout,
  registerNetwork,
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
];
