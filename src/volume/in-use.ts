// Which volumes are in use: the users each volume recorded (store.attach)
// whose container still exists (<root>/containers/<id>). A reference left by
// a crash between container removal and detach is thereby ignored.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InUse, VolumeStore } from './store.js';

export function volumesInUse(store: VolumeStore): InUse {
  const out: InUse = new Map();
  for (const v of store.list()) {
    const live = store.users(v.name).filter((id) => existsSync(join(store.paths.containers, id)));
    if (live.length > 0) out.set(v.name, live);
  }
  return out;
}
