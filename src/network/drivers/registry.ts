// Driver lookup by the Compose `driver` name.
import { BerthError } from '../../errors.js';
import { BridgeDriver } from './bridge.js';
import type { NetworkDriver } from './driver.js';
import { OverlayDriver } from './overlay.js';

const drivers: Record<string, NetworkDriver> = { bridge: new BridgeDriver(), overlay: new OverlayDriver() };

export function driverFor(name: string | undefined): NetworkDriver {
  const d = drivers[name || 'bridge'];
  if (!d) throw new BerthError(`network driver '${name}' is not supported (supported: ${Object.keys(drivers).join(', ')})`);
  return d;
}
