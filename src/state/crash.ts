// A test hook: BERTH_TEST_CRASH_AT=<point> makes the process SIGKILL itself
// when it reaches that named point (e.g. create-network, remove-network,
// after-create), so that integration tests can prove the next command
// converges. BERTH_TEST_CRASH_AFTER=N lets the point pass N times first.
import { config } from '../config.js';

let seen = 0;

export function crashPoint(name: string): void {
  const cfg = config();
  if (cfg.crashAt !== name) return;
  if (seen++ < cfg.crashAfter) return;
  process.kill(process.pid, 'SIGKILL');
}
