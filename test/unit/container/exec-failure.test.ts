// Docker's 127/126 from the stderr of runc, crun and berth-runtime (lines as
// those runtimes print them for a missing command, a file without the x bit
// and a directory).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execExitCode, startFailureCode } from '../../../src/container/exec-failure.js';

test('a missing command is 127 under each runtime', () => {
  assert.equal(execExitCode(255, 'time="2026-12-07T16:59:28Z" level=error msg="exec failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"\n'), 127);
  assert.equal(execExitCode(255, 'executable file `nope` not found in $PATH: No such file or directory\n'), 127);
  assert.equal(execExitCode(255, 'exec: "nope": executable file not found in $PATH\n'), 127);
  assert.equal(execExitCode(255, 'exec: "/bin/nope": stat /bin/nope: no such file or directory\n'), 127);
});

test('a command that cannot be executed is 126', () => {
  assert.equal(execExitCode(255, 'level=error msg="exec failed: unable to start container process: exec: \\"/etc/passwd\\": permission denied"\n'), 126);
  assert.equal(execExitCode(255, 'open executable: Permission denied\n'), 126);
  assert.equal(execExitCode(255, 'open executable: Operation not permitted\n'), 126);
  assert.equal(execExitCode(255, 'exec: "/etc": is a directory\n'), 126);
});

test('a process that ran keeps its own exit code', () => {
  assert.equal(execExitCode(255, ''), 255);
  assert.equal(execExitCode(0, 'exec: "nope": executable file not found in $PATH\n'), 0);
  assert.equal(execExitCode(3, 'open executable: Permission denied\n'), 3);
  // the message was the process's own output, followed by more of it
  assert.equal(execExitCode(255, 'exec: "x": executable file not found in $PATH\nthen it went on\n'), 255);
});

test('a start that failed in the runtime, as the shim reports it', () => {
  assert.equal(startFailureCode('runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH'), 127);
  assert.equal(startFailureCode('exec: "/bin/nope": stat /bin/nope: no such file or directory'), 127);
  assert.equal(startFailureCode('exec: "/etc/passwd": permission denied'), 126);
  assert.equal(startFailureCode('listen tcp4 127.0.0.1:8080: bind: address already in use'), undefined);
});
