// How the configuration says registries are reached, for every pull, push,
// login and search: which over plain http, which extra CA certificates to trust.
import type { BerthConfig } from '../config.js';
import type { RegistryAccess } from '../image/registry/client.js';

export const registryAccess = (c: BerthConfig): RegistryAccess =>
  ({ insecure: c.insecureRegistries, ...(c.extraCaCerts ? { extraCaCerts: c.extraCaCerts } : {}) });
