// The actions after a sync, through the project service: restart (the
// service's containers, as `berth restart SERVICE`), exec (the rule's
// command in every running container of the service, as `berth exec`) and
// rebuild (as `berth up --build --no-deps SERVICE`: build the image, then
// recreate the service's containers).
import type { Project, ServiceHook } from '../compose/model.js';
import { heldCaps } from '../container/capabilities.js';
import { exec } from '../container/exec.js';
import { resolveUser } from '../container/user.js';
import { observeStatus } from '../container/status.js';
import { projectContainers } from '../logs/select.js';
import { planRestart } from '../reconcile/lifecycle.js';
import { reconcile } from '../reconcile/reconcile.js';
import type { Engine } from '../project/engine.js';
import { runProject, type Reporter } from '../project/run.js';
import type { StatePaths } from '../state/paths.js';

export interface ActionContext {
  paths: StatePaths;
  engine: Engine;
  project: Project;
  /** One line of watch output. */
  log: (line: string) => void;
  reporter?: Reporter;
}

/** Go's %q of a string list, as docker compose prints service lists: ["a" "b"]. */
const quoteList = (s: string[]) => `[${s.map((x) => JSON.stringify(x)).join(' ')}]`;

export async function restartServices(ctx: ActionContext, services: string[]): Promise<void> {
  await runProject({
    paths: ctx.paths, project: ctx.project, projectName: ctx.project.name, reporter: ctx.reporter,
    plan: (d, a) => planRestart(d, a, { services }),
  });
  ctx.log(`service(s) ${quoteList(services)} restarted`);
}

/** Runs the hook in every running container of the service; its output goes to the watch log. */
export async function execInService(ctx: ActionContext, service: string, hook: ServiceHook): Promise<void> {
  const c = ctx.engine.containers;
  const running = projectContainers(ctx.paths, ctx.project.name, { services: [service] })
    .filter(({ record }) => observeStatus(c.pathsOf(record.id), record.id).status === 'running');
  await Promise.all(running.map(async ({ record }) => {
    let user: string | undefined;
    if (hook.user) {
      const u = resolveUser(hook.user, record.rootfs);
      user = `${u.uid}:${u.gid}`;
    }
    const env = Object.fromEntries(Object.entries(hook.environment ?? {}).filter((e): e is [string, string] => e[1] !== null));
    const r = await exec(c, record.id, hook.command, { user, workdir: hook.working_dir, env, caps: hook.privileged ? heldCaps() : undefined });
    for (const line of `${r.stdout}${r.stderr}`.split('\n').filter(Boolean)) ctx.log(`${record.name}: ${line}`);
    if (r.exitCode !== 0) ctx.log(`Error: exec ${JSON.stringify(hook.command.join(' '))} in ${record.name} exited with code ${r.exitCode}`);
  }));
}

export async function rebuildService(ctx: ActionContext, service: string): Promise<void> {
  ctx.log(`Rebuilding service(s) ${quoteList([service])} after changes were detected...`);
  await runProject({
    paths: ctx.paths, project: ctx.project, projectName: ctx.project.name, reporter: ctx.reporter,
    plan: (d, a, second) => reconcile(d, a, {
      services: [service], noDeps: true, forceRecreate: true, build: !second, pull: second ? 'never' : undefined,
    }),
  });
  ctx.log(`service(s) ${quoteList([service])} successfully built`);
}
