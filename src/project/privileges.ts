// Which commands need root, and one clear line when the process lacks it.
// Namespaces, mounts, links and nftables need CAP_SYS_ADMIN and CAP_NET_ADMIN;
// the state root is 0710 root. Without them a command would fail half-way with
// EPERM/EACCES deep in a driver, so it is refused before it starts.
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';

/** Commands that read only the Compose files or the user's own files. */
const UNPRIVILEGED = new Set(['config', 'version', 'help', 'login', 'logout']);

const NEEDED: Array<[string, number]> = [['CAP_SYS_ADMIN', 21], ['CAP_NET_ADMIN', 12]];

/** The capabilities of NEEDED missing from the effective set (status: /proc/self/status text). */
export function missingCapabilities(status: string): string[] {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (!m) return NEEDED.map(([n]) => n);
  const eff = BigInt(`0x${m[1]}`);
  return NEEDED.filter(([, bit]) => (eff & (1n << BigInt(bit))) === 0n).map(([n]) => n);
}

/** Throws a one-line BerthError when `command` needs privileges this process does not have. */
export function assertPrivileged(command: string, status = readFileSync('/proc/self/status', 'utf8'), euid = process.geteuid?.() ?? 0): void {
  if (UNPRIVILEGED.has(command)) return;
  const missing = missingCapabilities(status);
  if (euid === 0 && missing.length === 0) return;
  const what = euid === 0 ? `${missing.join(' and ')} missing from the effective capabilities` : `running as uid ${euid}`;
  throw new BerthError(`berth ${command}: needs root (${what}); run it as root, e.g. with sudo`);
}

/** An EACCES/EPERM from a process without root is the same one line (a state root it cannot read, under --dry-run). */
export function privilegeError(e: unknown, command: string, euid = process.geteuid?.() ?? 0): BerthError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (euid === 0 || (code !== 'EACCES' && code !== 'EPERM')) return undefined;
  const path = (e as NodeJS.ErrnoException).path;
  return new BerthError(`berth ${command}: needs root (running as uid ${euid}${path ? `: ${path}: permission denied` : ''}); run it as root, e.g. with sudo`);
}
