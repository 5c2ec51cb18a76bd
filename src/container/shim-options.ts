// What the shim needs beyond config.json: restart policy, stop signal and
// grace period, healthcheck (Compose's over the image's, with Compose's
// defaults) and log rotation; and the shim's command line.
import { BerthError } from '../errors.js';
import { signalSpelling } from '../signals.js';
import type { ContainerPaths } from './paths.js';
import type { ShimHealth, ShimOptions } from './record.js';
import type { ContainerSpecInput } from './types.js';

const SEC = 1_000_000_000;

/** Merges the service healthcheck over the image's; null when there is none or it is disabled. */
export function resolveHealth(input: Pick<ContainerSpecInput, 'healthcheck' | 'image'>): ShimHealth | null {
  const svc = input.healthcheck;
  const img = input.image.config.Healthcheck;
  if (svc?.disable) return null;
  const test = svc?.test && svc.test.length ? svc.test : img?.Test;
  if (!test || test.length === 0 || test[0] === 'NONE') return null;
  if (test[0] !== 'CMD' && test[0] !== 'CMD-SHELL') throw new BerthError(`healthcheck: test must start with CMD, CMD-SHELL or NONE, got "${test[0]}"`);
  if (test.length < 2) throw new BerthError(`healthcheck: test ${test[0]} needs a command`);
  const pick = (a: number | undefined, b: number | undefined, def: number, what: string): number => {
    const v = a || b || def;
    if (!Number.isFinite(v) || v < 0) throw new BerthError(`healthcheck: invalid ${what}: ${v}`);
    return v;
  };
  return {
    test: [...test],
    interval_ns: pick(svc?.interval, img?.Interval, 30 * SEC, 'interval'),
    timeout_ns: pick(svc?.timeout, img?.Timeout, 30 * SEC, 'timeout'),
    retries: svc?.retries ?? img?.Retries ?? 3,
    start_period_ns: pick(svc?.startPeriod, img?.StartPeriod, 0, 'start_period'),
    start_interval_ns: pick(svc?.startInterval, img?.StartInterval, 5 * SEC, 'start_interval'),
  };
}

export function resolveShimOptions(input: ContainerSpecInput): ShimOptions {
  const restart = input.restart ?? 'no';
  if (!/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(restart)) throw new BerthError(`restart: invalid policy "${restart}"`);
  const grace = input.stopGracePeriod ?? 10 * SEC;
  if (!Number.isFinite(grace) || grace < 0) throw new BerthError(`stop_grace_period: invalid duration ${grace}`);
  const o: ShimOptions = {
    restart,
    stopSignal: signalSpelling(input.stopSignal ?? input.image.config.StopSignal ?? 'SIGTERM'),
    stopTimeout: grace / SEC,
    health: resolveHealth(input),
    tty: !!input.tty,
    stdin: !!input.stdinOpen,
  };
  if (input.logging?.maxSize !== undefined) o.logMaxSize = input.logging.maxSize;
  if (input.logging?.maxFile !== undefined) o.logMaxFile = input.logging.maxFile;
  return o;
}

/** A host port the shim holds while it runs (--reserve), so that no other process takes it. */
export interface HostPortReservation { protocol: 'tcp' | 'udp'; hostIp: string; hostPort: number }

export function shimArgs(id: string, p: ContainerPaths, o: ShimOptions, runtime: string, reserve: HostPortReservation[] = []): string[] {
  const a = [
    '--id', id, '--bundle', p.bundle, '--state-dir', p.dir, '--socket', p.socket,
    '--runtime', runtime, '--runtime-root', p.runtimeRoot, '--log-path', p.log,
    '--restart', o.restart, '--stop-signal', o.stopSignal, '--stop-timeout', String(Math.ceil(o.stopTimeout)),
  ];
  if (o.logMaxSize !== undefined) a.push('--log-max-size', String(o.logMaxSize));
  if (o.logMaxFile !== undefined) a.push('--log-max-file', String(o.logMaxFile));
  if (o.health) a.push('--health', p.health);
  if (o.tty) a.push('--tty');
  if (o.stdin) a.push('--stdin');
  for (const r of reserve) a.push('--reserve', `${r.protocol}:${r.hostIp}:${r.hostPort}`);
  return a;
}
