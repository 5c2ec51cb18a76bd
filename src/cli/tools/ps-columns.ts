// ps -ef's columns for a host pid, from /proc: UID (host user name), PID,
// PPID, C (CPU % over the process's life), STIME, TTY, TIME (CPU time), CMD.
import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function bootTime(): number {
  const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  return m ? Number(m[1]) : 0;
}

function userNames(): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const l of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = l.split(':');
      if (f.length > 2 && !out.has(f[2]!)) out.set(f[2]!, f[0]!);
    }
  } catch { /* numeric ids then */ }
  return out;
}

const two = (n: number) => String(n).padStart(2, '0');

function ttyName(nr: number): string {
  if (nr === 0) return '?';
  const major = (nr >> 8) & 0xfff;
  const minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return `tty${minor}`;
  return '?';
}

export const PS_TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

/** The row for `pid`, or undefined when it is gone. */
export function psRow(pid: number, now = Date.now(), names = userNames(), btime = bootTime()): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): fields n are at f[n - 3].
    const ppid = f[1]!;
    const tty = Number(f[4]);
    const cpuTicks = Number(f[11]) + Number(f[12]);
    const start = btime * 1000 + (Number(f[19]) / TICKS) * 1000;
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
    const life = Math.max(1, (now - start) / 1000);
    const c = Math.min(99, Math.floor(((cpuTicks / TICKS) / life) * 100));
    const sd = new Date(start);
    const stime = now - start < 86_400_000 ? `${two(sd.getHours())}:${two(sd.getMinutes())}` : `${sd.toLocaleString('en', { month: 'short' })}${two(sd.getDate())}`;
    const secs = Math.floor(cpuTicks / TICKS);
    const time = `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || `[${comm}]`;
    return [names.get(uid) ?? uid, String(pid), ppid, String(c), stime, ttyName(tty), time, cmd];
  } catch {
    return undefined;
  }
}
