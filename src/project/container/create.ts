// `container create` (and the first half of `container run`): the image
// (pulled as --pull says), the default network, named volumes, then the
// container through the same driver as a Compose service container, but
// with no Compose labels. Names share one namespace with Compose's: a name
// a service container holds is refused here, and the other way round.
import { BerthError } from '../../errors.js';
import { serviceConfigHash } from '../../compose/hash.js';
import { validName } from '../../container/record.js';
import { ensureNetwork as ensureBridge } from '../../network/networks.js';
import type { ContainerAction } from '../../reconcile/plan.js';
import { desiredFromProject } from '../../reconcile/from-project.js';
import { containerDrivers, repairPending } from '../container-driver.js';
import type { Engine } from '../engine.js';
import { volumesInUse } from '../../volume/in-use.js';
import { securityOptError } from '../service-spec.js';
import { engineProject, ENGINE_SCOPE, namedVolumes, networkChoice, type ContainerRunSpec } from './run-spec.js';
import { randomName } from './names.js';
import { sweepAutoRemoved } from './lifecycle.js';
import { lockEngine } from './lock.js';
import { registryAccess } from '../registry-access.js';
import { runtimeError } from '../../container/runtimes.js';

/** The network a container joins when --network names none (docker's default network is called "bridge" too). */
export const DEFAULT_NETWORK = 'bridge';

/** The runtimes a container can be handed to in this build. */

/** docker's refusal of a name in use, as docker words it. */
function nameConflict(name: string, id: string): BerthError {
  return new BerthError(`Conflict. The container name "/${name}" is already in use by container "${id}". `
    + 'You have to remove (or rename) that container to be able to reuse that name.', 125);
}

/** The name given, checked, or a fresh random one. */
function containerName(engine: Engine, name: string | undefined): string {
  const taken = (n: string) => engine.containers.list().find((c) => c.record.name === n)?.record.id;
  if (name === undefined) {
    // Past a few collisions (hundreds of containers), a number is added, as docker does.
    for (let i = 0; ; i++) {
      const n = i < 10 ? randomName() : `${randomName()}${i}`;
      if (!taken(n)) return n;
    }
  }
  if (!validName(name)) throw new BerthError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 125);
  const holder = taken(name);
  if (holder) throw nameConflict(name, holder);
  return name;
}

/** The image by reference, pulled when --pull asks for it (missing: only when it is not in the store). */
async function ensureImage(engine: Engine, ref: string, pull: string | undefined, onPull?: (line: string) => void): Promise<void> {
  const policy = pull ?? 'missing';
  if (!['always', 'missing', 'never'].includes(policy)) throw new BerthError(`invalid pull option: '${policy}': must be one of "always", "missing" or "never"`, 125);
  const present = !!engine.images.lookup(ref);
  if (present && policy !== 'always') return;
  if (!present && policy === 'never') throw new BerthError(`No such image: ${ref}`, 125);
  if (!present) onPull?.(`Unable to find image '${ref}' locally`);
  try {
    const { pullImage } = await import('../../image/registry/pull.js');
    await pullImage(engine.images, ref, registryAccess(engine.config));
  } catch (e) {
    throw new BerthError(`Error response from daemon: pull access denied or unreachable for ${ref}: ${(e as Error).message}`, 125);
  }
}

export interface CreateResult { id: string; name: string; warnings: string[] }

/** Creates the container the spec describes (not started); `spec.name` may be empty (a random one is picked). */
export async function createEngineContainer(engine: Engine, given: ContainerRunSpec, onPull?: (line: string) => void): Promise<CreateResult> {
  // The runtime is checked before anything is pulled or made (docker's message, exit 125).
  const badRuntime = runtimeError(given.runtime, engine.containers.bin);
  if (badRuntime) throw new BerthError(badRuntime, 125);
  await ensureImage(engine, given.image, given.pull, onPull);
  const image = engine.images.resolve(given.image);
  const exposedPorts = given.publishAll ? Object.keys(image.config.ExposedPorts ?? {}) : [];
  await sweepAutoRemoved(engine);
  const lock = await lockEngine(engine);
  try {
    await repairPending(engine, ENGINE_SCOPE);
    const spec = { ...given, name: containerName(engine, given.name || undefined), exposedPorts };
    const net = networkChoice(spec, DEFAULT_NETWORK);
    const project = engineProject(spec, DEFAULT_NETWORK);
    const refusal = securityOptError(project, spec.name);
    if (refusal) throw new BerthError(refusal, 125);
    if (net.network === DEFAULT_NETWORK) await ensureBridge(engine.paths, engine.config, { name: DEFAULT_NETWORK, driver: 'bridge' });
    // Named volumes are made when missing (as docker does), and removed again if the container cannot be made.
    const fresh = namedVolumes(spec).filter((v) => !engine.volumes.get(v));
    for (const v of fresh) engine.volumes.create(v);
    const desired = desiredFromProject(project, (s) => serviceConfigHash(project, s));
    for (const svc of desired.services) svc.imageId = image.id;
    const warnings: string[] = [];
    const drivers = containerDrivers(engine, project, desired, { engine: true, warn: (m) => warnings.push(m) });
    const action: ContainerAction = { id: 1, after: [], kind: 'container.create', resource: 'Container', name: spec.name, service: spec.name, number: 1 };
    try {
      await drivers.createContainer(action);
    } catch (e) {
      for (const v of fresh) await engine.volumes.remove(v, volumesInUse(engine.volumes), { force: true }).catch(() => undefined);
      throw e;
    }
    return { id: engine.containers.resolve(spec.name).id, name: spec.name, warnings };
  } finally {
    lock.release();
  }
}
