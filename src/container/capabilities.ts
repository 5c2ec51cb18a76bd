// Capability sets: Docker's default set, cap_add/cap_drop with "ALL", and
// validation of names (with or without CAP_, any case).
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';

/** Every capability the kernel (5.x/6.x) knows, in number order. */
const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** Docker's default capability set. */
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const KNOWN = new Set<string>(ALL_CAPS);

function normalize(name: string, what: string): string {
  const n = name.trim().toUpperCase();
  if (n === 'ALL') return n;
  const c = n.startsWith('CAP_') ? n : `CAP_${n}`;
  if (!KNOWN.has(c)) throw new BerthError(`${what}: unknown capability: "${name}"`);
  return c;
}

/**
 * The final capability list, as Docker computes it: start from the default
 * set (or all with privileged), add cap_add, remove cap_drop. "ALL" in
 * cap_drop drops everything except what cap_add names; "ALL" in cap_add
 * wins over individual drops.
 */
export function resolveCapabilities(opts: { capAdd?: string[]; capDrop?: string[]; privileged?: boolean }, available: readonly string[] = ALL_CAPS): string[] {
  // "All" means all that this host can grant (its bounding set), as dockerd computes it.
  const ALL = ALL_CAPS.filter((c) => available.includes(c));
  if (opts.privileged) return ALL;
  const add = (opts.capAdd ?? []).map((c) => normalize(c, 'cap_add'));
  const drop = (opts.capDrop ?? []).map((c) => normalize(c, 'cap_drop'));
  if (add.includes('ALL')) {
    const dropped = new Set(drop.includes('ALL') ? [] : drop);
    return ALL.filter((c) => !dropped.has(c));
  }
  const base = drop.includes('ALL') ? new Set<string>() : new Set(DEFAULT_CAPS);
  for (const c of add) base.add(c);
  if (!drop.includes('ALL')) for (const c of drop) if (!add.includes(c)) base.delete(c);
  return ALL_CAPS.filter((c) => base.has(c));
}

/** The capability names in a hex mask from /proc/<pid>/status (CapBnd etc.). */
export function capsFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return ALL_CAPS.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

let bounding: string[] | undefined;

/** This process's bounding set: what a container started from here can hold (read once: it only shrinks, and berth never drops it). */
export function hostBoundingCaps(): string[] {
  if (!bounding) {
    try {
      const m = /^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      bounding = m ? capsFromMask(m[1]!) : [...ALL_CAPS];
    } catch {
      bounding = [...ALL_CAPS];
    }
  }
  return [...bounding];
}

/** The capabilities this process holds (root may lack some, e.g. CAP_SYS_RESOURCE: asking for those fails capset). */
export function heldCaps(status = readFileSync('/proc/self/status', 'utf8')): string[] {
  const eff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
  return ALL_CAPS.filter((_, i) => (eff >> BigInt(i)) & 1n);
}
