// Commands run inside a service's container (Compose `post_start`,
// `pre_stop`, develop.watch `exec`), as docker compose 2.30+ runs them: an
// exec with the hook's user, privileges, working directory and environment
// on top of the container's own.
import type { ServiceHook } from '../compose/model.js';
import { heldCaps } from '../container/capabilities.js';
import { exec, type ExecResult } from '../container/exec.js';
import type { Containers } from '../container/lifecycle.js';
import type { ContainerRecord } from '../container/record.js';
import { resolveUser } from '../container/user.js';
import { BerthError } from '../errors.js';

/** Runs one hook in the (running) container; resolves with its exit code and output. */
export async function runHook(c: Containers, record: ContainerRecord, hook: ServiceHook): Promise<ExecResult> {
  let user: string | undefined;
  if (hook.user) {
    const u = resolveUser(hook.user, record.rootfs);
    user = `${u.uid}:${u.gid}`;
  }
  const env = Object.fromEntries(Object.entries(hook.environment ?? {}).filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined));
  return exec(c, record.id, hook.command, { user, workdir: hook.working_dir, env, caps: hook.privileged ? heldCaps() : undefined });
}

/**
 * Runs a service's `post_start` or `pre_stop` hooks in order in one
 * container; the first that fails stops the rest and fails the step, with
 * its last line of output (as docker compose fails `up` or `stop`).
 */
export async function runLifecycleHooks(c: Containers, record: ContainerRecord, kind: 'post_start' | 'pre_stop', hooks: ServiceHook[] | undefined): Promise<void> {
  for (const hook of hooks ?? []) {
    const r = await runHook(c, record, hook);
    if (r.exitCode === 0) continue;
    const said = `${r.stdout}${r.stderr}`.trim().split('\n').at(-1);
    throw new BerthError(`${kind} hook ${JSON.stringify(hook.command)} in ${record.name} exited with status ${r.exitCode}${said ? `: ${said}` : ''}`);
  }
}
