// Runs nft with JSON input (`nft -j -f`): one call = one atomic transaction.
import { BerthError } from '../../errors.js';
import { runCaptured } from '../../native/spawn.js';
import type { NftCmd } from './rules.js';

const NO_NFT = 'nftables: the nft command is not installed (Debian package nftables)';

/** Runs nft; never rejects (exit code, output and spawn error code in the result). Through the addon: no fork of Node per call. */
async function nft(args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string; code?: string }> {
  try {
    const r = await runCaptured('nft', args, input);
    return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { exitCode: 1, stdout: '', stderr: (e as Error).message, code };
  }
}

export type NftListing = { nftables?: Array<Record<string, unknown>> };

export async function nftBatch(cmds: NftCmd[]): Promise<void> {
  if (cmds.length === 0) return;
  // On nft's stdin, a pipe (nft cannot open /dev/stdin when it is a socket, as
  // Node's pipes are): no temporary file that a killed command would leave.
  const r = await nft(['-j', '-f', '-'], JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, ...cmds] }));
  if (r.exitCode !== 0) {
    if (r.code === 'ENOENT') throw new BerthError(NO_NFT);
    const why = String(r.stderr || r.stdout).split('\n').find((l) => l.trim()) ?? `exit ${r.exitCode}`;
    throw new BerthError(`nftables: ${why}`);
  }
}

/** `nft -j list <what…>` (e.g. ['chains'] or ['ruleset']) as JSON. */
export async function nftList(what: string[]): Promise<NftListing> {
  const r = await nft(['-j', 'list', ...what]);
  if (r.exitCode !== 0) {
    if (r.code === 'ENOENT') throw new BerthError(NO_NFT);
    throw new BerthError(`nftables: ${String(r.stderr).split('\n')[0]}`);
  }
  return JSON.parse(String(r.stdout)) as NftListing;
}

/** The table's ruleset as JSON, or undefined when the table does not exist. */
export async function nftListTable(table: string): Promise<NftListing | undefined> {
  const r = await nft(['-j', 'list', 'table', 'inet', table]);
  if (r.exitCode !== 0) {
    if (r.code === 'ENOENT') throw new BerthError(NO_NFT);
    if (/No such file|does not exist/i.test(String(r.stderr))) return undefined;
    throw new BerthError(`nftables: ${String(r.stderr).split('\n')[0]}`);
  }
  return JSON.parse(String(r.stdout)) as NftListing;
}
