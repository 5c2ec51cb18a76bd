// The BERTH_* environment variables, read and checked in one place into one
// typed object (docs/configuration.md is their table). The code-cache loader
// (src/cli/code-cache.cts) and bin/berth read their own few before any of
// this is loaded; the native executables read BERTH_DNS_PORT.
import { BerthError } from './errors.js';

export interface BerthConfig {
  /** BERTH_ROOT: the state root when --root is not given. */
  root?: string;
  /** BERTH_RUNTIME_DIR: sockets, pid files and other run-time state. */
  runtimeDir?: string;
  /** BERTH_REPO: where native/out is (the checkout the CLI runs from by default). */
  repo?: string;
  /** BERTH_SHIM, BERTH_RUNTIME, BERTH_INIT, BERTH_DNS_BIN: executables other than native/out's. */
  shim?: string;
  runtime?: string;
  init?: string;
  dnsBin?: string;
  /** BERTH_DNS_UPSTREAMS: the resolvers names outside the project go to (else resolv.conf's). */
  dnsUpstreams?: string[];
  /** BERTH_DEFAULT_POOLS, BERTH_DEFAULT_POOLS6: the address pools networks are cut from. */
  defaultPools?: string;
  defaultPools6?: string;
  /** BERTH_NFT_TABLE: the nftables table berth owns. */
  nftTable: string;
  /** BERTH_INSECURE_REGISTRIES: registries spoken to over plain http. */
  insecureRegistries: string[];
  /**
   * BERTH_NODE_EXTRA_CA_CERTS: NODE_EXTRA_CA_CERTS as bin/berth's #! line
   * hands it over (Node did not load it at start); trusted by the registry client.
   */
  extraCaCerts?: string;
  /** BERTH_SEARCH_REGISTRY: the registry `search` asks when the term names none. */
  searchRegistry?: string;
  /** BERTH_LOCK_TIMEOUT: seconds to wait for a project lock. */
  lockTimeoutMs: number;
  /** BERTH_NODE_TTL: seconds a cluster node's lease lives without renewal. */
  nodeTtl: number;
  /** BERTH_CLUSTER_PREFIX: the etcd key prefix of the cluster. */
  clusterPrefix: string;
  /** BERTH_TEST_CRASH_AT, BERTH_TEST_CRASH_AFTER: the crash tests' hook (src/state/crash.ts). */
  crashAt?: string;
  crashAfter: number;
}

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The configuration an environment gives; a bad value is one error naming its variable. */
export function readConfig(env: NodeJS.ProcessEnv): BerthConfig {
  const nftTable = env.BERTH_NFT_TABLE || 'berth';
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(nftTable)) throw new BerthError(`invalid BERTH_NFT_TABLE '${nftTable}'`);
  const nodeTtl = Number(env.BERTH_NODE_TTL ?? 10);
  if (!Number.isInteger(nodeTtl) || nodeTtl < 2 || nodeTtl > 3600) throw new BerthError(`invalid BERTH_NODE_TTL '${env.BERTH_NODE_TTL}' (2-3600 seconds)`);
  const lockTimeout = Number(env.BERTH_LOCK_TIMEOUT);
  return {
    root: env.BERTH_ROOT,
    runtimeDir: env.BERTH_RUNTIME_DIR,
    repo: env.BERTH_REPO,
    shim: env.BERTH_SHIM,
    runtime: env.BERTH_RUNTIME,
    init: env.BERTH_INIT,
    dnsBin: env.BERTH_DNS_BIN,
    dnsUpstreams: env.BERTH_DNS_UPSTREAMS ? list(env.BERTH_DNS_UPSTREAMS) : undefined,
    defaultPools: env.BERTH_DEFAULT_POOLS || undefined,
    defaultPools6: env.BERTH_DEFAULT_POOLS6 || undefined,
    nftTable,
    insecureRegistries: list(env.BERTH_INSECURE_REGISTRIES),
    extraCaCerts: env.BERTH_NODE_EXTRA_CA_CERTS || undefined,
    searchRegistry: env.BERTH_SEARCH_REGISTRY?.trim() || undefined,
    lockTimeoutMs: Number.isFinite(lockTimeout) && lockTimeout > 0 ? lockTimeout * 1000 : 120_000,
    nodeTtl,
    clusterPrefix: env.BERTH_CLUSTER_PREFIX ?? '/berth',
    crashAt: env.BERTH_TEST_CRASH_AT,
    crashAfter: Number(env.BERTH_TEST_CRASH_AFTER ?? 0),
  };
}

const KEYS = [
  'ROOT', 'RUNTIME_DIR', 'REPO', 'SHIM', 'RUNTIME', 'INIT', 'DNS_BIN', 'DNS_UPSTREAMS', 'DEFAULT_POOLS', 'DEFAULT_POOLS6',
  'NFT_TABLE', 'INSECURE_REGISTRIES', 'NODE_EXTRA_CA_CERTS', 'SEARCH_REGISTRY', 'LOCK_TIMEOUT', 'NODE_TTL', 'CLUSTER_PREFIX', 'TEST_CRASH_AT', 'TEST_CRASH_AFTER',
].map((k) => `BERTH_${k}`);
let cached: { key: string; config: BerthConfig } | undefined;

/** This process's configuration, read again only when one of its variables changed (tests set some). */
export function config(): BerthConfig {
  const key = KEYS.map((k) => process.env[k] ?? '\u0000').join('\n');
  if (cached?.key !== key) cached = { key, config: readConfig(process.env) };
  return cached.config;
}
