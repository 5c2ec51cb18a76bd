// Typed view of the addon's rtnetlink functions. `ns` is the path of a
// network namespace file (operations run on a socket created inside it) or
// null for the host namespace.
import { nativeFn } from './addon.js';

export type Ns = string | null;

export interface LinkInfo {
  index: number;
  name: string;
  kind: string;     // 'bridge' | 'veth' | 'vxlan' | 'dummy' | 'loopback' | '' ...
  up: boolean;
  mtu: number;
  master: number;   // ifindex of the master (bridge), 0 when none
  link: number;     // ifindex of the peer/lower device, 0 when none
  mac?: string;
  /** For kind 'vxlan': VNI, UDP port, learning, local (VTEP) address, lower device ifindex. */
  vxlan?: { id: number; port: number; learning: boolean; local?: string; dev?: number };
}

interface LinkCommon { mtu?: number; mac?: string; netns?: string }

export interface LinkSpec extends LinkCommon {
  name: string;
  kind: 'bridge' | 'veth' | 'dummy' | 'vxlan';
  up?: boolean;
  master?: string;
  peer?: LinkCommon & { name: string };
  vxlan?: { id: number; local?: string; port?: number; dev?: string; learning?: boolean };
}

export interface LinkChange extends LinkCommon {
  up?: boolean;
  master?: string;  // '' detaches from the master
  name?: string;    // rename
  hairpin?: boolean; // bridge-port hairpin mode (the link must be enslaved)
  neighSuppress?: boolean; // bridge-port neigh_suppress (the link must be enslaved)
}

export interface AddrInfo { index: number; family: 4 | 6; address: string; prefixLen: number }

export interface RouteSpec { dst: string; gateway?: string; dev?: string; metric?: number; scope?: 'link'; src?: string }
export interface RouteInfo { dst: string; prefixLen: number; table: number; type: number; gateway?: string; oif?: number }

export interface NeighSpec { dev: string; mac: string; ip?: string; fdb?: boolean; dst?: string; master?: boolean }
/** A neighbour (ip) or forwarding-database (dst: the remote VTEP) entry. */
export interface NeighInfo { ifindex: number; mac: string; ip?: string; dst?: string; permanent: boolean; self: boolean; master: boolean }

export const linkList = (ns: Ns = null): LinkInfo[] => nativeFn<(ns: Ns) => LinkInfo[]>('nlLinkList')(ns);
export const linkAdd = (ns: Ns, spec: LinkSpec): void => nativeFn<(ns: Ns, s: LinkSpec) => void>('nlLinkAdd')(ns, spec);
const linkDel = (ns: Ns, name: string): void => nativeFn<(ns: Ns, n: string) => void>('nlLinkDel')(ns, name);
export const linkSet = (ns: Ns, name: string, change: LinkChange): void =>
  nativeFn<(ns: Ns, n: string, c: LinkChange) => void>('nlLinkSet')(ns, name, change);
export const addrAdd = (ns: Ns, dev: string, cidr: string, opts: { nodad?: boolean } = {}): void =>
  nativeFn<(ns: Ns, op: string, d: string, c: string, o: object) => void>('nlAddr')(ns, 'add', dev, cidr, opts);
export const addrDel = (ns: Ns, dev: string, cidr: string): void =>
  nativeFn<(ns: Ns, op: string, d: string, c: string, o: object) => void>('nlAddr')(ns, 'del', dev, cidr, {});
export const addrList = (ns: Ns = null): AddrInfo[] => nativeFn<(ns: Ns) => AddrInfo[]>('nlAddrList')(ns);
export const routeAdd = (ns: Ns, r: RouteSpec): void => nativeFn<(ns: Ns, op: string, r: RouteSpec) => void>('nlRoute')(ns, 'add', r);
export const routeDel = (ns: Ns, r: RouteSpec): void => nativeFn<(ns: Ns, op: string, r: RouteSpec) => void>('nlRoute')(ns, 'del', r);
export const routeList = (ns: Ns, family: 4 | 6): RouteInfo[] => nativeFn<(ns: Ns, f: number) => RouteInfo[]>('nlRouteList')(ns, family);
export const neighAdd = (ns: Ns, n: NeighSpec): void => nativeFn<(ns: Ns, op: string, n: NeighSpec) => void>('nlNeigh')(ns, 'add', n);
export const neighDel = (ns: Ns, n: NeighSpec): void => nativeFn<(ns: Ns, op: string, n: NeighSpec) => void>('nlNeigh')(ns, 'del', n);
/** Adds one more destination to an FDB entry (`bridge fdb append`): the all-zero MAC floods to every remote VTEP listed. */
export const fdbAppend = (ns: Ns, n: Omit<NeighSpec, 'fdb'>): void =>
  nativeFn<(ns: Ns, op: string, n: NeighSpec) => void>('nlNeigh')(ns, 'append', { ...n, fdb: true });
export const neighList = (ns: Ns, opts: { fdb?: boolean; dev?: string } = {}): NeighInfo[] =>
  nativeFn<(ns: Ns, o: object) => NeighInfo[]>('nlNeighList')(ns, opts);

/** Deletes a link, treating "no such device" as done (teardown is idempotent). */
export function linkDelIfExists(ns: Ns, name: string): boolean {
  try {
    linkDel(ns, name);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENODEV') return false;
    throw e;
  }
}
