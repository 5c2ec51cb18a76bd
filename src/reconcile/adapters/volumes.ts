// The volume layer seen from the reconciler: observed volumes for
// ActualState, and the volume half of the executor's Drivers. The project's
// labels are added here so that `up` recognizes its own volumes next time.
import { BerthError } from '../../errors.js';
import type { InUse, VolumeStore } from '../../volume/store.js';
import type { ActualVolume } from '../actual.js';
import type { DesiredProject } from '../desired.js';
import type { Drivers } from '../execute.js';
import { volumeLabels } from '../labels.js';
import type { VolumeAction } from '../plan.js';

export function observeVolumes(store: VolumeStore): ActualVolume[] {
  return store.list().map((v) => ({ name: v.name, labels: v.labels, driver: v.driver, driverOpts: v.options }));
}

export function volumeDrivers(store: VolumeStore, desired: DesiredProject, inUse: () => InUse): Pick<Drivers, 'createVolume' | 'removeVolume'> {
  const find = (a: VolumeAction) => {
    const v = desired.volumes.find((x) => x.name === a.name);
    if (!v) throw new BerthError(`volume ${a.name} is not part of project ${desired.name}`);
    return v;
  };
  return {
    async createVolume(a) {
      const v = find(a);
      store.create(v.name, { driver: v.driver, driverOpts: v.driverOpts, labels: { ...v.labels, ...volumeLabels(desired.name, v.key) } });
    },
    async removeVolume(a) {
      const v = find(a);
      if (v.external) throw new BerthError(`volume ${v.name} is external: berth never removes it`);
      await store.remove(v.name, inUse(), { force: true });
    },
  };
}
