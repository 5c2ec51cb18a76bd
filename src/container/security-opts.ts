// Compose/Docker `security_opt`, applied to the spec and never dropped in
// silence: no-new-privileges, seccomp (unconfined or a profile file),
// systempaths=unconfined, apparmor and label. An option this host cannot
// honour (AppArmor or SELinux absent) is an error naming it. The key and
// value are split on '=' (current Docker) or ':' (the older form).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { BerthError } from '../errors.js';

export interface SecurityOptions {
  noNewPrivileges?: boolean;
  /** 'default' (Docker's profile), 'unconfined', or an absolute profile file. */
  seccomp: 'default' | 'unconfined' | { file: string };
  /** No masked or read-only /proc and /sys paths. */
  systemPathsUnconfined?: boolean;
  apparmorProfile?: string;
}

export interface HostLsm { apparmor: boolean; selinux: boolean }

/** Which Linux security modules this host has enabled. */
export function hostLsm(): HostLsm {
  let apparmor = false;
  try { apparmor = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y' && existsSync('/sys/kernel/security/apparmor'); } catch { /* not built in */ }
  return { apparmor, selinux: existsSync('/sys/fs/selinux/enforce') };
}

function split(opt: string): [string, string | undefined] {
  const eq = opt.indexOf('='), colon = opt.indexOf(':');
  const at = eq >= 0 && (colon < 0 || eq < colon) ? eq : colon;
  return at < 0 ? [opt, undefined] : [opt.slice(0, at), opt.slice(at + 1)];
}

export function parseSecurityOpts(opts: string[] | undefined, lsm: HostLsm = hostLsm()): SecurityOptions {
  const out: SecurityOptions = { seccomp: 'default' };
  for (const opt of opts ?? []) {
    const [key, value] = split(opt.trim());
    const bad = (why: string): never => { throw new BerthError(`security_opt "${opt}": ${why}`); };
    switch (key) {
      case 'no-new-privileges':
        if (value === undefined || value === '' || value === 'true') out.noNewPrivileges = true;
        else if (value === 'false') out.noNewPrivileges = false;
        else bad('want no-new-privileges, no-new-privileges:true or :false');
        break;
      case 'seccomp':
        if (!value) bad('want seccomp=unconfined or seccomp=PROFILE.json');
        else if (value === 'unconfined') out.seccomp = 'unconfined';
        else if (!isAbsolute(value)) bad('the profile path must be absolute here (the project resolves it against its directory)');
        else out.seccomp = { file: value };
        break;
      case 'systempaths':
        if (value !== 'unconfined') bad('the only value is systempaths=unconfined');
        out.systemPathsUnconfined = true;
        break;
      case 'apparmor':
        if (!value) bad('want apparmor=PROFILE or apparmor=unconfined');
        // Unconfined is what a host without AppArmor gives anyway: honoured as asked.
        if (value === 'unconfined') break;
        if (!lsm.apparmor) bad('AppArmor is not enabled on this host');
        out.apparmorProfile = value;
        break;
      case 'label':
        if (!value) bad('want label=disable, label=user:..., role:..., type:... or level:...');
        if (value === 'disable') break;   // no labelling: what a host without SELinux does anyway
        if (!lsm.selinux) bad('SELinux is not enabled on this host');
        bad('SELinux labels are not supported by berth (label=disable is)');
        break;
      default:
        bad('unknown option (known: no-new-privileges, seccomp, systempaths, apparmor, label)');
    }
  }
  return out;
}
