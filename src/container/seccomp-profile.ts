// A seccomp profile file given with `security_opt: [seccomp=FILE]`, in
// Docker's format (the one of moby's profiles/seccomp/default.json: archMap,
// and rules with includes/excludes by capability and architecture) or
// already in the OCI runtime spec's form; it becomes the OCI linux.seccomp of
// one container, filtered by its final capabilities and the host
// architecture, as dockerd does.
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { seccompArch, type LinuxSeccomp, type SeccompArg, type SeccompSyscall } from './seccomp-default.js';

interface Filter { caps?: string[]; arches?: string[]; minKernel?: string }
interface DockerRule { names?: string[]; name?: string; action?: string; errnoRet?: number; args?: SeccompArg[] | null; includes?: Filter; excludes?: Filter }
interface DockerProfile {
  defaultAction?: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] }> | null;
  syscalls?: DockerRule[] | null;
}

const ACTION = /^SCMP_ACT_[A-Z_]+$/;
const OPS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads and converts the profile at `file` (an absolute path) for a container holding `caps`. */
export function seccompProfileFile(file: string, caps: Iterable<string>, arch: string = process.arch): LinuxSeccomp {
  const where = `security_opt seccomp=${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BerthError(`${where}: ${err.code === 'ENOENT' ? 'no such file' : err.code ? `cannot read it (${err.code})` : `not valid JSON: ${err.message}`}`);
  }
  return convertProfile(raw, caps, arch, where);
}

export function convertProfile(raw: unknown, caps: Iterable<string>, arch: string, where: string): LinuxSeccomp {
  const fail = (what: string): never => { throw new BerthError(`${where}: ${what}`); };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('not a seccomp profile (want a JSON object)');
  const p = raw as DockerProfile;
  if (typeof p.defaultAction !== 'string' || !ACTION.test(p.defaultAction)) fail('defaultAction must be an SCMP_ACT_ action');
  const host = seccompArch(arch);
  const have = new Set(caps);
  // Architectures: the host's entry of archMap (with its sub-architectures),
  // else the listed ones, else the host's own.
  let architectures: string[] = [];
  if (p.archMap != null) {
    if (!Array.isArray(p.archMap)) fail('archMap must be a list');
    const native = host?.scmp[0];
    const m = p.archMap.find((e) => e && e.architecture === native);
    if (m) architectures = [m.architecture, ...(isStrings(m.subArchitectures) ? m.subArchitectures : [])];
  } else if (p.architectures !== undefined) {
    if (!isStrings(p.architectures)) fail('architectures must be a list of names');
    architectures = [...p.architectures];
  }
  if (!architectures.length && host) architectures = host.scmp;
  if (p.syscalls != null && !Array.isArray(p.syscalls)) fail('syscalls must be a list');
  const syscalls: SeccompSyscall[] = [];
  for (const [i, r] of (p.syscalls ?? []).entries()) {
    const at = `syscalls[${i}]`;
    if (!r || typeof r !== 'object') fail(`${at}: not an object`);
    const names: unknown = r.names ?? (r.name !== undefined ? [r.name] : undefined);
    if (!isStrings(names) || !names.length) fail(`${at}: names must be a non-empty list of syscall names`);
    if (typeof r.action !== 'string' || !ACTION.test(r.action)) fail(`${at}: action must be an SCMP_ACT_ action`);
    if (!matches(r.includes, true, have, host?.name) || !matches(r.excludes, false, have, host?.name)) continue;
    const s: SeccompSyscall = { names: [...(names as string[])], action: r.action! };
    if (r.errnoRet !== undefined) {
      if (!Number.isInteger(r.errnoRet) || r.errnoRet < 0) fail(`${at}: errnoRet must be a non-negative integer`);
      s.errnoRet = r.errnoRet;
    }
    if (r.args != null) {
      if (!Array.isArray(r.args)) fail(`${at}: args must be a list`);
      s.args = r.args.map((a, k) => {
        if (!a || !Number.isInteger(a.index) || a.index < 0 || a.index > 5 || !Number.isInteger(a.value) || !OPS.has(a.op)) fail(`${at}.args[${k}]: want {index 0-5, value, op SCMP_CMP_...}`);
        return { index: a.index, value: a.value, ...(a.valueTwo ? { valueTwo: a.valueTwo } : {}), op: a.op };
      });
    }
    syscalls.push(s);
  }
  const out: LinuxSeccomp = { defaultAction: p.defaultAction!, architectures, syscalls };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  return out;
}

/**
 * Whether a rule's includes (all must hold: one of the caps, one of the
 * arches) or excludes (none may hold) let it apply. minKernel is not
 * compared: berth needs a kernel newer than any the default profile names.
 */
function matches(f: Filter | undefined, include: boolean, have: Set<string>, arch: string | undefined): boolean {
  if (!f) return true;
  const caps = isStrings(f.caps) && f.caps.length ? f.caps.some((c) => have.has(c)) : undefined;
  const arches = isStrings(f.arches) && f.arches.length ? !!arch && f.arches.includes(arch) : undefined;
  if (include) return caps !== false && arches !== false;
  return !caps && !arches;
}
