// The host's nftables ruleset generation (native/addon/nft-gen.cc): bumped by
// the kernel on every committed change of any table.
import { nativeFn } from './addon.js';

export const nftGeneration = (): number => nativeFn<() => number>('nftGeneration')();
