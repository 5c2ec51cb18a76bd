// Golden cases: each directory under test/unit/reconcile/golden holds
// desired.json, actual.json, options.json ({"command": "up"|"down"|..., ...})
// and the expected plan.txt (verbose plan text, or `error: <message>`).
// BERTH_UPDATE_GOLDEN=1 rewrites plan.txt from the current output.
//
// To keep cases short the JSON may omit fields; the defaults are filled here:
// a service gets configHash "hash-<name>", replicas 1, image "<name>:1",
// pull policy missing, network "default"; the project gets a `default`
// network; a container may be written "demo-web-2" (running, current hash) or an
// object; a network or volume may be written as its name (labelled for the
// project); `images` omitted means every service's image is present (an
// image may be written as its ref or as {ref, pulledAt}).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBerthError } from '../../../src/errors.js';
import type { ActualContainer, ActualNetwork, ActualState, ActualVolume } from '../../../src/reconcile/actual.js';
import type { DesiredProject, DesiredService } from '../../../src/reconcile/desired.js';
import { LABELS } from '../../../src/reconcile/desired.js';
import { formatPlan, type Plan } from '../../../src/reconcile/plan.js';
import { reconcile } from '../../../src/reconcile/reconcile.js';
import * as lc from '../../../src/reconcile/lifecycle.js';

type Loose = Record<string, any>;

function readLoose(dir: string, file: string): Loose {
  try { return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Loose; } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

export function loadDesired(j: Loose): DesiredProject {
  const name = j.name ?? 'demo';
  const services: DesiredService[] = (j.services ?? []).map((s: Loose) => ({
    configHash: `hash-${s.name}`, replicas: 1, image: `${s.name}:1`, localImage: false, pullPolicy: 'missing', build: false,
    networks: ['default'], volumes: [], enabled: true, profiles: [], restart: 'no', ...s,
    dependsOn: Object.fromEntries(Object.entries(s.dependsOn ?? {}).map(([k, v]) => [k, {
      condition: 'service_started', required: true, restart: false, ...(typeof v === 'string' ? { condition: v } : v as Loose),
    }])),
  }));
  const networks = (j.networks ?? [{ key: 'default' }]).map((n: Loose) => ({
    name: `${name}_${n.key}`, external: false, driver: 'bridge', config: {}, labels: {}, ...n,
  }));
  const volumes = (j.volumes ?? []).map((v: Loose) => ({
    name: `${name}_${v.key}`, external: false, driver: 'local', driverOpts: {}, labels: {}, ...v,
  }));
  return { name, services, networks, volumes };
}

export function loadActual(j: Loose, desired: DesiredProject): ActualState {
  const containers: ActualContainer[] = (j.containers ?? []).map((c: string | Loose) => {
    const o: Loose = typeof c === 'string' ? { name: c } : c;
    const m = new RegExp(`^${desired.name}-(.*)-(\\d+)$`).exec(o.name) ?? [];
    const service = o.service ?? m[1];
    return {
      id: `id-${o.name}`, project: desired.name, service, number: Number(o.number ?? m[2] ?? 1),
      configHash: `hash-${service}`, status: 'running', oneoff: false, ...o,
    };
  });
  const labelled = (kind: 'network' | 'volume', name: string): Record<string, string> => {
    const list = kind === 'network' ? desired.networks : desired.volumes;
    const key = list.find((x) => x.name === name)?.key;
    return key ? { [LABELS.project]: desired.name, [kind === 'network' ? LABELS.network : LABELS.volume]: key } : {};
  };
  const networks: ActualNetwork[] = (j.networks ?? []).map((n: string | Loose) => typeof n === 'string'
    ? { name: n, labels: labelled('network', n), driver: 'bridge', config: {} }
    : { driver: 'bridge', config: {}, labels: labelled('network', n.name), ...n });
  const volumes: ActualVolume[] = (j.volumes ?? []).map((v: string | Loose) => typeof v === 'string'
    ? { name: v, labels: labelled('volume', v), driver: 'local', driverOpts: {} }
    : { driver: 'local', driverOpts: {}, labels: labelled('volume', v.name), ...v });
  const refs: Array<string | Loose> = j.images ?? desired.services.map((s) => s.image);
  const images = refs.map((r) => (typeof r === 'string' ? { ref: r, id: `sha256:${r}` } : { id: `sha256:${r.ref}`, ...r } as { ref: string; id: string }));
  return { containers, networks, volumes, images };
}

function planFor(command: string, desired: DesiredProject, actual: ActualState, opts: Loose): Plan {
  switch (command) {
    case 'up': return reconcile(desired, actual, opts);
    case 'create': return lc.planCreate(desired, actual, opts);
    case 'down': return lc.planDown(desired, actual, opts);
    case 'start': return lc.planStart(desired, actual, opts);
    case 'stop': return lc.planStop(desired, actual, opts);
    case 'restart': return lc.planRestart(desired, actual, opts);
    case 'rm': return lc.planRm(desired, actual, opts);
    case 'kill': return lc.planKill(desired, actual, opts);
    case 'pause': return lc.planPause(desired, actual, opts);
    case 'unpause': return lc.planUnpause(desired, actual, opts);
    default: throw new Error(`golden case: unknown command ${command}`);
  }
}

/** The text a case produces: the verbose plan, or `error: ...` for a BerthError. */
export function runCase(dir: string): string {
  const desired = loadDesired(readLoose(dir, 'desired.json'));
  const actual = loadActual(readLoose(dir, 'actual.json'), desired);
  const { command = 'up', ...opts } = readLoose(dir, 'options.json');
  try {
    return formatPlan(planFor(command, desired, actual, opts), { verbose: true });
  } catch (e) {
    if (isBerthError(e)) return `error: ${e.message}\n`;
    throw e;
  }
}
