// A cluster's overlay network is defined once in etcd (<prefix>/netdefs/<name>:
// id, subnets, VNI) and created on each node that uses it from that
// definition, so every node has the same id, subnets and VNI. The first node
// to create it claims the VNI (<prefix>/vni/<n>) and writes the definition,
// each with a create-if-absent transaction; a node that loses a race adopts
// the winner's definition. Nodes using it are listed under
// <prefix>/members/<id>/; the last one to leave removes the definition.
import { randomHex } from '../../hashing.js';
import { BerthError } from '../../errors.js';
import { overlaps, parseCidr } from '../ipam/cidr.js';
import type { NetworkRecord, SubnetRecord } from '../types.js';
import { etcdFor, keys, type Membership } from './membership.js';

export interface NetworkDefinition {
  id: string;
  name: string;
  subnets: SubnetRecord[];
  vni: number;
  internal: boolean;
  enableIpv6: boolean;
  created: string;
}

export interface ClusterNetworkRequest {
  name: string;
  requestedVni?: number;
  requestedSubnets: string[];   // explicit ipam subnets (normalized), empty for automatic
  internal: boolean;
  enableIpv6: boolean;
  /** Chooses subnets that overlap none of `taken`; throws a BerthError naming a clash. */
  chooseSubnets: (taken: string[]) => SubnetRecord[];
  vniRange: [number, number];
}

function checkLocal(def: NetworkDefinition, local: NetworkRecord[]): void {
  for (const n of local) {
    if (n.id === def.id) continue;
    if (n.vni === def.vni) throw new BerthError(`network ${def.name}: VNI ${def.vni} is already used by network ${n.name} on this node`);
    for (const s of n.subnets) {
      const clash = def.subnets.find((d) => overlaps(parseCidr(d.subnet), parseCidr(s.subnet)));
      if (clash) throw new BerthError(`network ${def.name}: subnet ${clash.subnet} overlaps ${s.subnet} of network ${n.name} on this node`);
    }
  }
}

function checkSame(def: NetworkDefinition, req: ClusterNetworkRequest): void {
  const where = `network ${def.name} exists in the cluster`;
  if (req.requestedVni !== undefined && req.requestedVni !== def.vni) throw new BerthError(`${where} with VNI ${def.vni} (wants ${req.requestedVni})`);
  for (const s of req.requestedSubnets) {
    if (!def.subnets.some((d) => d.subnet === s)) throw new BerthError(`${where} with subnet ${def.subnets.map((d) => d.subnet).join(', ')} (wants ${s})`);
  }
  if (def.internal !== req.internal) throw new BerthError(`${where} with internal: ${def.internal}`);
}

/** The cluster's definition of the network, made here when no node has it yet. */
export async function joinClusterNetwork(m: Membership, req: ClusterNetworkRequest, local: NetworkRecord[]): Promise<{ def: NetworkDefinition; made: boolean }> {
  const etcd = etcdFor(m.store);
  const k = keys(m.prefix);
  for (let attempt = 0; attempt < 8; attempt++) {
    const have = await etcd.get(k.netdef(req.name));
    if (have) {
      const def = JSON.parse(have.value) as NetworkDefinition;
      checkSame(def, req);
      checkLocal(def, local);
      await etcd.put(k.member(def.id, m.node), m.vtep);
      return { def, made: false };
    }
    const defs = (await etcd.list(k.netdefs)).kvs.map((kv) => JSON.parse(kv.value) as NetworkDefinition);
    // Another node defined it between the two reads: adopt theirs (its subnet is not a clash with itself).
    if (defs.some((d) => d.name === req.name)) continue;
    const usedVni = new Map<number, string>([...defs.map((d) => [d.vni, d.name] as [number, string]),
      ...local.filter((n) => n.vni !== undefined).map((n) => [n.vni!, n.name] as [number, string])]);
    const subnets = req.chooseSubnets([...defs.flatMap((d) => d.subnets.map((s) => s.subnet)), ...local.flatMap((n) => n.subnets.map((s) => s.subnet))]);
    const id = randomHex(32);
    let vni: number | undefined;
    if (req.requestedVni !== undefined) {
      const holder = usedVni.get(req.requestedVni);
      if (holder) throw new BerthError(`network ${req.name}: VNI ${req.requestedVni} is already used by network ${holder}`);
      if (!(await etcd.createIfAbsent(k.vni(req.requestedVni), id))) throw new BerthError(`network ${req.name}: VNI ${req.requestedVni} is already used in the cluster`);
      vni = req.requestedVni;
    } else {
      for (let v = req.vniRange[0]; v <= req.vniRange[1] && vni === undefined; v++) {
        if (!usedVni.has(v) && await etcd.createIfAbsent(k.vni(v), id)) vni = v;
      }
      if (vni === undefined) throw new BerthError(`network ${req.name}: no free VNI left in the cluster`);
    }
    const def: NetworkDefinition = {
      id, name: req.name, subnets, vni, internal: req.internal, enableIpv6: req.enableIpv6, created: new Date().toISOString(),
    };
    if (await etcd.createIfAbsent(k.netdef(req.name), JSON.stringify(def))) {
      await etcd.put(k.member(id, m.node), m.vtep);
      return { def, made: true };
    }
    await etcd.delete(k.vni(vni));  // another node defined it meanwhile: adopt theirs
  }
  throw new BerthError(`network ${req.name}: the cluster definition kept changing; try again`);
}

/** This node stops using the network; the last node removes its definition, VNI, leases and endpoints. */
export async function leaveClusterNetwork(m: { store: string[]; prefix: string; node: string }, n: NetworkRecord): Promise<void> {
  const etcd = etcdFor(m.store);
  const k = keys(m.prefix);
  await etcd.delete(k.member(n.id, m.node));
  if ((await etcd.list(k.members(n.id))).kvs.length) return;
  const def = await etcd.get(k.netdef(n.name));
  const ops = [
    { delete: { key: k.leases(n.id), prefix: true } },
    { delete: { key: k.endpoints(n.id), prefix: true } },
    ...(n.vni !== undefined ? [{ delete: { key: k.vni(n.vni) } }] : []),
    ...(def && (JSON.parse(def.value) as NetworkDefinition).id === n.id ? [{ delete: { key: k.netdef(n.name) } }] : []),
  ];
  await etcd.txn([], ops);
}
