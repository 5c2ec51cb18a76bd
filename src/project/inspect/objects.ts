// `inspect NAME...`: finds each name among containers, images, networks and
// volumes (in docker's order, or only the --type given) and returns each
// found object in Docker's inspect shape; the names not found are listed.
import { BerthError, UsageError } from '../../errors.js';
import { getNetwork } from '../../network/index.js';
import { inspectObject as volumeInspectObject } from '../volume.js';
import { engineAt, type Engine } from '../engine.js';
import { inspectContainer } from './container.js';
import { imageInspect } from './image.js';
import { networkInspectObject } from './network.js';

const OBJECT_TYPES = ['container', 'image', 'network', 'volume'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export interface Inspected { type: ObjectType; name: string; value: Record<string, unknown> }

/** What docker says for a name it did not find, by the kind of inspect. */
const MISSING: Record<ObjectType | 'any', (n: string) => string> = {
  any: (n) => `Error: No such object: ${n}`,
  container: (n) => `Error: No such container: ${n}`,
  image: (n) => `Error: No such image: ${n}`,
  network: (n) => `Error: network ${n} not found`,
  volume: (n) => `Error: No such volume: ${n}`,
};

function findContainer(engine: Engine, name: string): Record<string, unknown> | undefined {
  let rec;
  try {
    rec = engine.containers.resolve(name);
  } catch (e) {
    if (e instanceof BerthError && e.message.startsWith('no such container')) return undefined;
    throw e;
  }
  return inspectContainer(engine, rec) as unknown as Record<string, unknown>;
}

const finders: Record<ObjectType, (engine: Engine, name: string) => Record<string, unknown> | undefined> = {
  container: findContainer,
  image: (engine, name) => {
    const id = engine.images.lookup(name);
    return id ? imageInspect(engine.images, id) : undefined;
  },
  network: (engine, name) => (getNetwork(engine.paths, name) ? networkInspectObject(engine.paths, name) : undefined),
  volume: (engine, name) => {
    const v = engine.volumes.get(name);
    return v ? volumeInspectObject(v) : undefined;
  },
};

export function inspectObjects(root: string | undefined, names: string[], type?: string): { found: Inspected[]; missing: string[] } {
  if (type !== undefined && !(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`"${type}" is not a valid value for --type (container, image, network, volume)`);
  }
  const engine = engineAt(root);
  const types = type ? [type as ObjectType] : [...OBJECT_TYPES];
  const found: Inspected[] = [];
  const missing: string[] = [];
  for (const name of names) {
    let hit: Inspected | undefined;
    for (const t of types) {
      const value = finders[t](engine, name);
      if (value) { hit = { type: t, name, value }; break; }
    }
    if (hit) found.push(hit); else missing.push(MISSING[type ? (type as ObjectType) : 'any'](name));
  }
  return { found, missing };
}
