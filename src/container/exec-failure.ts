// A process the OCI runtime could not start: runc, crun and berth-runtime
// all exit 255 and say why on stderr; docker reports 127 for a command that
// is not there and 126 for one that cannot be executed. The messages are the
// runtimes' own (runc's and berth-runtime's `exec: "cmd": ...`, crun's).
// runc logs the message quoted (msg="... exec: \"cmd\": ..."): Q takes either quote.
const Q = String.raw`\\?"[^"\\]*\\?"`;
const NOT_FOUND = [
  new RegExp(`exec: ${Q}: executable file not found in \\$PATH`),
  new RegExp(`exec: ${Q}: stat [^\\n]*: no such file or directory`),
  /executable file `[^`]*` not found/,
  /open executable: No such file or directory/,
];
const NOT_EXECUTABLE = [
  new RegExp(`exec: ${Q}: (permission denied|is a directory|exec format error)`),
  /open executable: (Permission denied|Operation not permitted)/,
];

/** 127 or 126 when a runtime's error message says the process could not be started (docker's codes), else undefined. */
export function startFailureCode(message: string): 126 | 127 | undefined {
  if (NOT_FOUND.some((r) => r.test(message))) return 127;
  if (NOT_EXECUTABLE.some((r) => r.test(message))) return 126;
  return undefined;
}

/** Docker's exit code for a runtime that exited `code` after printing `stderr`: 127, 126, or `code` as it was. */
export function execExitCode(code: number, stderr: string): number {
  if (code !== 255) return code;
  // The runtime's message is its last line: a process that ran wrote before it.
  return startFailureCode(stderr.trimEnd().split('\n').at(-1) ?? '') ?? code;
}
