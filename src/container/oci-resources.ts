// linux.resources from the Compose limits: memory, cpu and pids.
import { BerthError } from '../errors.js';
import type { OciResources } from './oci-types.js';
import type { ContainerSpecInput } from './types.js';

const MIN_MEMORY = 6 * 1024 * 1024; // Docker's minimum memory limit

function int(v: number, what: string): number {
  if (!Number.isInteger(v)) throw new BerthError(`${what}: must be an integer, got ${v}`);
  return v;
}

export function linuxResources(input: ContainerSpecInput): OciResources {
  const r: OciResources = { devices: [] };

  const mem: NonNullable<OciResources['memory']> = {};
  if (input.memLimit !== undefined && input.memLimit > 0) {
    if (int(input.memLimit, 'mem_limit') < MIN_MEMORY) throw new BerthError('mem_limit: minimum memory limit allowed is 6MB');
    mem.limit = input.memLimit;
  }
  if (input.memReservation !== undefined && input.memReservation > 0) {
    mem.reservation = int(input.memReservation, 'mem_reservation');
    if (mem.limit !== undefined && mem.reservation > mem.limit) throw new BerthError('mem_reservation: must be lower than mem_limit');
  }
  if (input.memswapLimit !== undefined && input.memswapLimit !== 0) {
    const swap = int(input.memswapLimit, 'memswap_limit');
    if (swap > 0) {
      if (mem.limit === undefined) throw new BerthError('memswap_limit: needs mem_limit to be set as well');
      if (swap < mem.limit) throw new BerthError('memswap_limit: must be larger than or equal to mem_limit');
    }
    mem.swap = swap; // -1: unlimited
  } else if (mem.limit !== undefined) {
    mem.swap = mem.limit * 2; // Docker: swap equal to the limit by default
  }
  if (Object.keys(mem).length) r.memory = mem;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (input.cpus !== undefined && input.cpus > 0) {
    if (input.cpuQuota !== undefined || input.cpuPeriod !== undefined) throw new BerthError('cpus: conflicts with cpu_quota/cpu_period');
    cpu.period = 100000;
    cpu.quota = Math.round(input.cpus * 100000);
    if (cpu.quota < 1000) throw new BerthError('cpus: must be at least 0.01');
  }
  if (input.cpuQuota !== undefined && input.cpuQuota !== 0) {
    cpu.quota = int(input.cpuQuota, 'cpu_quota');
    if (cpu.quota > 0 && cpu.quota < 1000) throw new BerthError('cpu_quota: must be at least 1000 (1ms)');
  }
  if (input.cpuPeriod !== undefined && input.cpuPeriod !== 0) {
    cpu.period = int(input.cpuPeriod, 'cpu_period');
    if (cpu.period < 1000 || cpu.period > 1000000) throw new BerthError('cpu_period: must be between 1000 and 1000000 (µs)');
  }
  if (input.cpuShares !== undefined && input.cpuShares !== 0) {
    cpu.shares = int(input.cpuShares, 'cpu_shares');
    if (cpu.shares < 2) cpu.shares = 2; // the kernel's minimum, as Docker clamps it
  }
  if (input.cpuset) {
    if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(input.cpuset)) throw new BerthError(`cpuset: invalid CPU list "${input.cpuset}"`);
    cpu.cpus = input.cpuset;
  }
  if (Object.keys(cpu).length) r.cpu = cpu;

  if (input.pidsLimit !== undefined && input.pidsLimit !== 0) {
    const l = int(input.pidsLimit, 'pids_limit');
    r.pids = { limit: l < 0 ? -1 : l };
  }
  return r;
}
