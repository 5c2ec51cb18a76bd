// A test hook: BERTH_TEST_CRASH_AT=<point> makes the process SIGKILL itself
// when it reaches that named point (e.g. create-network, remove-network,
// after-create), so that integration tests can prove the next command
// converges. BERTH_TEST_CRASH_AFTER=N lets the point pass N times first.
// The points sit deep in the drivers, so the setting is not threaded through
// every call: whoever reads the configuration (the engine) arms it once.
import type { BerthConfig } from '../config.js';

let armed: Pick<BerthConfig, 'crashAt' | 'crashAfter'> = { crashAfter: 0 };
let seen = 0;

/** Sets the point this process dies at (crashAt unset: none). */
export function armCrashPoint(cfg: Pick<BerthConfig, 'crashAt' | 'crashAfter'>): void {
  armed = { crashAt: cfg.crashAt, crashAfter: cfg.crashAfter };
}

export function crashPoint(name: string): void {
  if (armed.crashAt !== name) return;
  if (seen++ < armed.crashAfter) return;
  process.kill(process.pid, 'SIGKILL');
}
