// `pull` and `push` of the project's services, with docker compose's rules
// for what is skipped (the pull rules are the planner's, src/reconcile/pull-policy.ts).
// Progress is one callback per service and status; the caller prints it.
import type { Service } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { pullServiceImages, pushServiceImages, type ServiceImage } from '../image/project-images.js';
import { pullCommandDecision } from '../reconcile/pull-policy.js';
import { engineAt } from './engine.js';
import { registryAccess } from './registry-access.js';

export interface ServiceProgress { service: string; status: string; message?: string; elapsed?: number }

interface ImagesOptions {
  root?: string;
  /** The services to act on, in the order to report them. */
  services: Array<[string, Service]>;
  dryRun?: boolean;
  say: (l: ServiceProgress) => void;
  /** --dry-run: what would be done. */
  onDryRun?: (line: string) => void;
  warn?: (message: string) => void;
}

export interface PullOptions extends ImagesOptions {
  ignorePullFailures?: boolean;
  ignoreBuildable?: boolean;
  policy?: 'missing' | 'always';
}

export async function pullProject(o: PullOptions): Promise<void> {
  const engine = engineAt(o.root);
  const store = engine.images;
  const todo: Array<ServiceImage & { buildable: boolean }> = [];
  for (const [name, s] of o.services) {
    const d = pullCommandDecision(s, !!s.image && store.lookup(s.image) !== undefined, o);
    if (!d.pull) { o.say({ service: name, status: 'Skipped', message: d.why }); continue; }
    todo.push({ service: name, image: s.image!, pullPolicy: 'always', buildable: s.build !== undefined });
  }
  if (o.dryRun) {
    for (const t of todo) o.onDryRun?.(`Would pull ${t.image} for ${t.service}`);
    return;
  }
  const started = Date.now();
  for (const t of todo) o.say({ service: t.service, status: 'Pulling' });
  const results = await pullServiceImages(store, todo, { access: registryAccess(engine.config), ignoreFailures: true });
  const mustBuild: string[] = [];
  let fatal: string | undefined;
  for (const [i, r] of results.entries()) {
    if (r.status !== 'failed') { o.say({ service: r.service, status: 'Pulled', elapsed: Date.now() - started }); continue; }
    o.say({ service: r.service, status: 'Error', message: r.error });
    if (todo[i]!.buildable) mustBuild.push(r.service);
    else if (!o.ignorePullFailures) fatal ??= r.error;
  }
  if (mustBuild.length) o.warn?.(`some service image(s) must be built from source: ${mustBuild.join(' ')}`);
  if (fatal) throw new BerthError(fatal);
}

export interface PushOptions extends ImagesOptions {
  ignorePushFailures?: boolean;
}

export async function pushProject(o: PushOptions): Promise<void> {
  const engine = engineAt(o.root);
  const store = engine.images;
  // As docker compose: only images the project builds (build: and image:) are
  // pushed, under image: and every build.tags entry.
  const todo: ServiceImage[] = [];
  for (const [name, s] of o.services) {
    if (!s.build || !s.image) { o.say({ service: name, status: 'Skipped', message: !s.image ? 'no image: to push to' : 'not built by the project' }); continue; }
    for (const ref of new Set([s.image, ...(s.build.tags ?? [])])) todo.push({ service: name, image: ref });
  }
  if (o.dryRun) {
    for (const t of todo) o.onDryRun?.(`Would push ${t.image} for ${t.service}`);
    return;
  }
  const started = Date.now();
  for (const t of todo) o.say({ service: t.service, status: 'Pushing', message: t.image });
  const results = await pushServiceImages(store, todo, { access: registryAccess(engine.config), ignoreFailures: true });
  let fatal: string | undefined;
  for (const r of results) {
    if (r.status !== 'failed') { o.say({ service: r.service, status: 'Pushed', message: r.image, elapsed: Date.now() - started }); continue; }
    o.say({ service: r.service, status: 'Error', message: `${r.image}: ${r.error}` });
    if (o.ignorePushFailures) o.warn?.(`pushing ${r.service}: ${r.error}`);
    else fatal ??= r.error;
  }
  if (fatal) throw new BerthError(fatal);
}
