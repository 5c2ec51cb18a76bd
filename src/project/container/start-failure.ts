// docker's exit code for a container that could not start: 127 when its
// command is not found, 126 when it cannot be executed, 125 for anything
// else (the runtime reports the cause in its message, as runc does).
export function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|exec format error|is a directory/i.test(message)) return 126;
  return 125;
}
