// Whether a process id is alive: temp files and markers carry their writer's
// pid so that leftovers of a dead writer can be recognized and removed.
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
