// The network layer's contract with the orchestrator: what it is asked to
// create (specs, already normalized by src/compose) and what it records.
import type { BerthConfig } from '../config.js';

/**
 * What the network layer takes from the configuration (docs/configuration.md),
 * handed down by the project service: the address pools, the DNS responder
 * (BERTH_DNS_BIN, else native/out of BERTH_REPO) and its upstreams, and the
 * nftables table.
 */
export type NetworkConfig = Pick<BerthConfig, 'defaultPools' | 'defaultPools6' | 'dnsBin' | 'repo' | 'dnsUpstreams' | 'nftTable'>;

/** One `ipam.config` entry of a Compose network. */
export interface IpamConfig {
  subnet?: string;
  ip_range?: string;
  gateway?: string;
  aux_addresses?: Record<string, string>;
}

/** A network to create (Compose `networks.<name>`, with the project prefix already applied to `name`). */
export interface NetworkSpec {
  name: string;
  driver?: string;                        // 'bridge' (default) or 'overlay'
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  driver_opts?: Record<string, string>;   // mtu: 'com.docker.network.driver.mtu' | 'mtu'; bridge name: 'com.docker.network.bridge.name'
  ipam?: { driver?: string; config?: IpamConfig[] };
}

export interface SubnetRecord {
  family: 4 | 6;
  subnet: string;      // "10.213.1.0/24"
  gateway: string;     // "10.213.1.1"
  ipRange?: string;    // leases come from here when set
  auxAddresses?: Record<string, string>;
}

/** A created network, stored at <networks>/<id>.json. */
export interface NetworkRecord {
  id: string;            // 64 hex
  name: string;
  driver: string;
  bridge: string;        // Linux bridge name (≤ 15 chars)
  mtu: number;
  internal: boolean;
  attachable: boolean;
  enableIpv6: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  subnets: SubnetRecord[];
  created: string;       // ISO time
  vni?: number;          // overlay: the VXLAN network identifier
  vxlan?: string;        // overlay: the vxlan device attached to the bridge
  cluster?: ClusterScope; // overlay network of a cluster: leases, VNI and endpoints in etcd
}

/** Where an overlay network spanning several hosts keeps its shared state, and this host's tunnel end. */
interface ClusterScope {
  store: string[];       // etcd endpoints, "http://host:port"
  prefix: string;        // key prefix of the cluster in etcd
  node: string;          // this host's node name
  vtep: string;          // this host's underlay (advertise) address: the vxlan's local address
}

/**
 * One published port (Compose `ports`, long form, as the Compose layer
 * normalizes it). `target` may be a number or a range "80-82" (then
 * `published` must be a range of the same length); `published` may be a port,
 * a range (one free port of it is picked when target is a single port), or
 * empty/undefined for a random free host port. `host_ip` empty = every host address.
 * `mode` is accepted ('host' | 'ingress') and treated alike on one host.
 */
export interface PortBinding {
  target: number | string;
  published?: number | string;
  host_ip?: string;
  protocol?: 'tcp' | 'udp' | string;
  mode?: string;
  name?: string;
  app_protocol?: string;
}

/** A port as published: exact numbers. */
export interface PublishedPort {
  protocol: 'tcp' | 'udp';
  target: number;
  containerIp: string;
  hostIp: string;        // '' = every host address
  hostPort: number;
  network: string;       // network id the DNAT points into
}

/** A container's attachment to one network, as requested. */
export interface AttachRequest {
  name: string;                 // network name
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  interface_name?: string;
  priority?: number;
  mac_address?: string;
  links?: string[];             // "service" or "service:alias": extra names visible to this container
  gw_priority?: number;         // the highest carries the default route (default: the first non-internal network)
  link_local_ips?: string[];    // extra addresses on the interface (169.254.0.0/16, fe80::/10)
}

export interface EndpointRequest {
  containerId: string;
  name?: string;                // container name (a DNS name)
  netnsPath: string;
  networks: AttachRequest[];
  ports?: PortBinding[];
  expose?: Array<number | string>;
  dnsNames?: string[];          // e.g. the service name: answered on every attached network
  dnsServers?: string[];        // Compose `dns`: where the responder forwards this container's other names
}

export interface AttachmentRecord {
  network: string;              // network name
  networkId: string;
  interface: string;            // name inside the container: eth0, eth1, ...
  hostVeth: string;             // host-side veth name
  mac?: string;
  ipv4?: string;
  ipv6?: string;
  prefix4?: number;
  prefix6?: number;
  gateway4?: string;
  gateway6?: string;
  aliases: string[];
  links: string[];
  linkLocalIps?: string[];
  gwPriority?: number;
}

/** Everything berth set up for one container, stored at <networks>/endpoints/<containerId>.json. */
export interface EndpointRecord {
  containerId: string;
  name?: string;
  netnsPath: string;
  dnsNames: string[];
  dnsServers?: string[];
  attachments: AttachmentRecord[];
  ports: PublishedPort[];
  expose: string[];
  /**
   * Set (and written) before a full teardown touches the kernel: a teardown
   * killed half-way leaves a record that says so, and the next start
   * finishes the teardown and attaches the container afresh.
   */
  detaching?: boolean;
}
