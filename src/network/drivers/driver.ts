// The network driver interface (after netavark): validate → setup → teardown
// for a network, attach → detach for one endpoint. setup/attach roll back
// what they did when they fail; teardown/detach try every step and return
// all the errors. The bridge driver owns its veths (naming, creation,
// removal); the overlay driver is a bridge plus a VXLAN device.
import type { Firewall } from '../firewall/firewall.js';
import type { Membership } from '../stores/membership.js';
import type { AttachmentRecord, NetworkRecord, NetworkSpec } from '../types.js';

export interface DriverContext {
  firewall: Firewall;
  /** setup() of a network just created (a new id): no earlier rules of it to replace. */
  fresh?: boolean;
  /** This host's cluster membership, when it has joined one (overlay networks of the cluster publish endpoints). */
  membership?: Membership;
}

/** One endpoint on one network: where to put the container's interface and what to give it. */
export interface Attachment {
  netnsPath: string;
  record: AttachmentRecord;      // addresses/interface already chosen by the caller (IPAM)
  defaultRoute: boolean;         // this network carries the container's default route
  endpoint?: { containerId: string; name?: string; dnsNames: string[] };  // whose attachment (names other hosts resolve)
}

export interface NetworkDriver {
  readonly name: string;
  /** Checks driver options; throws BerthError, changes nothing. */
  validate(spec: NetworkSpec): void;
  /** Kernel-side defaults the driver chooses from the spec (bridge name, MTU). */
  describe(spec: NetworkSpec, id: string): { bridge: string; mtu: number; options: Record<string, string> };
  /** Claims what the network needs beyond its subnets (a VNI) before the record is saved; throws on a clash. */
  allocate?(n: NetworkRecord, spec: NetworkSpec, existing: NetworkRecord[]): Promise<void>;
  /** Returns what allocate claimed (a network removed, or a creation rolled back). */
  release?(n: NetworkRecord): Promise<void>;
  setup(n: NetworkRecord, ctx: DriverContext): Promise<void>;
  teardown(n: NetworkRecord, ctx: DriverContext): Promise<Error[]>;
  attach(n: NetworkRecord, a: Attachment, ctx: DriverContext): Promise<void>;
  detach(n: NetworkRecord, a: Attachment, ctx: DriverContext): Promise<Error[]>;
  /** Deletes the container's links of this network off the JS thread, before the locked detach (optional fast path). */
  dropLinks?(containerId: string, n: NetworkRecord, a: AttachmentRecord): Promise<void>;
  /** Removes what an endpoint whose record was lost left on this network (named after the container). */
  removeOrphan(containerId: string, n: NetworkRecord): Promise<Error[]>;
}

/** Runs steps in order; on failure undoes the finished ones in reverse and rethrows. */
export async function withRollback(steps: Array<{ run: () => unknown; undo?: () => unknown }>): Promise<void> {
  const done: Array<() => unknown> = [];
  try {
    for (const s of steps) {
      await s.run();
      if (s.undo) done.push(s.undo);
    }
  } catch (e) {
    for (const u of done.reverse()) {
      try { await u(); } catch { /* keep undoing: the original error is what matters */ }
    }
    throw e;
  }
}

/** Runs every step, collecting errors instead of stopping. */
export async function collectErrors(steps: Array<() => unknown>): Promise<Error[]> {
  const errs: Error[] = [];
  for (const s of steps) {
    try { await s(); } catch (e) { errs.push(e as Error); }
  }
  return errs;
}
