// The lifecycle verbs (up, create, start, stop, restart, kill, pause,
// unpause, rm, down): each one planner of src/reconcile, run by runProject
// under the project lock. `up` and `create` plan again once images were
// pulled, without pulling or building a second time.
import {
  planCreate, planDown, planKill, planPause, planRestart, planRm, planStart, planStop, planUnpause,
  type DownOptions, type KillOptions, type RmOptions, type ServicesOptions,
} from '../reconcile/lifecycle.js';
import { reconcile, type UpOptions } from '../reconcile/reconcile.js';
import { runProject, type RunOptions, type RunResult } from './run.js';

export type { UpOptions } from '../reconcile/reconcile.js';

export type Verb =
  | { verb: 'up' | 'create'; options: UpOptions }
  | { verb: 'down'; options: DownOptions }
  | { verb: 'rm'; options: RmOptions }
  | { verb: 'kill'; options: KillOptions }
  | { verb: 'start' | 'stop' | 'restart' | 'pause' | 'unpause'; options: ServicesOptions };

const SIMPLE = { start: planStart, stop: planStop, restart: planRestart, pause: planPause, unpause: planUnpause };

/** The pure planner of a verb. */
export function plannerOf(v: Verb): RunOptions['plan'] {
  switch (v.verb) {
    case 'up': {
      const o = v.options;
      return (d, a, second) => reconcile(d, a, second ? { ...o, pull: 'never', build: false, noBuild: false } : o);
    }
    case 'create': {
      const o = v.options;
      return (d, a, second) => planCreate(d, a, second ? { ...o, pull: 'never', build: false } : o);
    }
    case 'down': return (d, a) => planDown(d, a, v.options);
    case 'rm': return (d, a) => planRm(d, a, v.options);
    case 'kill': return (d, a) => planKill(d, a, v.options);
    default: {
      const plan = SIMPLE[v.verb];
      return (d, a) => plan(d, a, v.options);
    }
  }
}

export interface LifecycleOptions extends Omit<RunOptions, 'plan'> {
  verb: Verb;
}

export function runLifecycle(o: LifecycleOptions): Promise<RunResult> {
  return runProject({ ...o, plan: plannerOf(o.verb) });
}
