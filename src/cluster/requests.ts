// Commands run on another node (logs, exec of a service placed there), with
// etcd as the only transport: whoever can write etcd can already place any
// container anywhere, so this opens no new port and adds no new exposure.
//   <prefix>/requests/<node>/<id>     the request, under the requester's lease
//   <prefix>/responses/<id>/<seq>     the answer, in order, under the same lease
// The requester watches the responses, then deletes both and revokes its
// lease; a requester that dies takes its keys with its lease, and the target
// node's agent stops serving a request whose key is gone.
import { randomHex } from '../hashing.js';
import type { Op } from '../etcd/client.js';
import { BerthError } from '../errors.js';
import { etcdFor, keys, type Membership } from '../network/stores/membership.js';

type Cluster = Pick<Membership, 'store' | 'prefix'>;

const requestKeys = (prefix: string) => ({
  requests: (node: string) => `${prefix}/requests/${node}/`,
  request: (node: string, id: string) => `${prefix}/requests/${node}/${id}`,
  responses: (id: string) => `${prefix}/responses/${id}/`,
  // Zero-padded: key order is sequence order.
  response: (id: string, seq: number) => `${prefix}/responses/${id}/${String(seq).padStart(10, '0')}`,
});

export interface RemoteRequest {
  verb: string;
  /** The verb's options, as the serving node's project service reads them. */
  args: Record<string, unknown>;
  /** The requester's node and lease (the responses are written under it). */
  from: string;
  lease: string;
}

/** One response record: output items, or the end with an exit code or an error line. */
interface Response { items?: unknown[]; end?: { exit: number } | { error: string } }

/** Items are batched into records of about this many bytes (a single larger item goes alone). */
const CHUNK_BYTES = 32 * 1024;
const REQUEST_TTL_S = 10;
/** The target's agent answers at once (an empty record) when it takes a request. */
const ANSWER_WAIT_MS = 15_000;

export interface CallOptions {
  /** Aborting ends the call: the request is withdrawn and the target stops. */
  signal?: AbortSignal;
}

/**
 * Runs `verb` on `node` and hands the output items to `onItems` (a record's worth at a time), in order;
 * resolves with the exit code the node reported. A node that is not live, or
 * that does not answer, is one error naming it.
 */
export async function callNode(m: Membership, node: string, verb: string, args: Record<string, unknown>,
  onItems: (items: unknown[]) => void, o: CallOptions = {}): Promise<number> {
  const etcd = etcdFor(m.store);
  if (!(await etcd.get(keys(m.prefix).node(node)))) throw new BerthError(`node ${node} is not live (no agent of it holds a lease in the cluster)`);
  const k = requestKeys(m.prefix);
  const id = randomHex(8);
  const lease = await etcd.leaseGrant(REQUEST_TTL_S);
  let keepalive: NodeJS.Timeout | undefined;
  let watch: { close: () => void } | undefined;
  try {
    keepalive = setInterval(() => { etcd.leaseKeepAlive(lease).catch(() => undefined); }, (REQUEST_TTL_S * 1000) / 3);
    const { revision } = await etcd.list(k.responses(id));
    return await new Promise<number>((resolve, reject) => {
      const pending = new Map<number, Response>();
      let next = 0;
      const answered = setTimeout(() => reject(new BerthError(`node ${node} did not answer within ${ANSWER_WAIT_MS / 1000} s (is its agent running?)`)), ANSWER_WAIT_MS);
      const finish = (f: () => void) => { clearTimeout(answered); o.signal?.removeEventListener('abort', aborted); f(); };
      const aborted = () => finish(() => resolve(130));
      o.signal?.addEventListener('abort', aborted, { once: true });
      if (o.signal?.aborted) return aborted();
      watch = etcd.watch(k.responses(id), revision + 1, (evs) => {
        clearTimeout(answered);
        for (const e of evs) {
          if (e.type !== 'PUT') continue;
          pending.set(Number(e.kv.key.slice(k.responses(id).length)), JSON.parse(e.kv.value) as Response);
        }
        // Records are handled in sequence order, whatever order their events came in;
        // handled ones are deleted as they go, so a long `logs -f` does not pile up in etcd.
        const handled: Op[] = [];
        // (etcd takes at most 128 operations in one transaction.)
        const forget = () => { while (handled.length) etcd.txn([], handled.splice(0, 100)).catch(() => undefined); };
        for (let r = pending.get(next); r; r = pending.get(next)) {
          handled.push({ delete: { key: k.response(id, next) } });
          pending.delete(next++);
          if (r.items?.length) onItems(r.items);
          if (r.end && 'error' in r.end) return finish(() => reject(new BerthError((r!.end as { error: string }).error)));
          if (r.end) return finish(() => resolve((r!.end as { exit: number }).exit));
        }
        forget();
      }, (err) => finish(() => reject(new BerthError(`etcd watch of node ${node}'s answer ended${err ? `: ${err.message}` : ''}`))));
      const request: RemoteRequest = { verb, args, from: m.node, lease };
      etcd.put(k.request(node, id), JSON.stringify(request), lease).catch((e: Error) => finish(() => reject(e)));
    });
  } finally {
    clearInterval(keepalive);
    watch?.close();
    // The keys go with the lease; deleting them first keeps the store clean even if the revoke fails.
    await etcd.txn([], [{ delete: { key: k.request(node, id) } }, { delete: { key: k.responses(id), prefix: true } }]).catch(() => undefined);
    await etcd.leaseRevoke(lease).catch(() => undefined);
  }
}

/** What a node runs for a request: emits output items, resolves with the exit code (a thrown error is sent as its message). */
export type Serve = (req: RemoteRequest, emit: (item: unknown) => void, signal: AbortSignal) => Promise<number>;

/** Writes one request's answer: items batched into bounded records, in order, under the requester's lease. */
class Answer {
  private seq = 0;
  private queue: unknown[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly m: Cluster, private readonly id: string, private readonly lease: string, private readonly failed: (e: Error) => void) {}

  emit(item: unknown): void {
    this.queue.push(item);
    this.writing = this.writing.then(() => this.drain());
  }

  async end(end: Response['end']): Promise<void> {
    await this.writing;
    await this.put({ end });
  }

  async put(r: Response): Promise<void> {
    await etcdFor(this.m.store).put(requestKeys(this.m.prefix).response(this.id, this.seq++), JSON.stringify(r), this.lease);
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const items: unknown[] = [];
      let size = 0;
      while (this.queue.length && (!items.length || size + JSON.stringify(this.queue[0]).length <= CHUNK_BYTES)) {
        const item = this.queue.shift();
        size += JSON.stringify(item).length;
        items.push(item);
      }
      try {
        await this.put({ items });
      } catch (e) {
        // The requester's lease is gone (it ended or died): stop serving.
        this.queue = [];
        this.failed(e as Error);
      }
    }
  }
}

/**
 * The serving side, in the node agent: watches this node's request prefix
 * and runs each new request with `serve`; a request whose key goes away is
 * aborted.
 */
export class RequestServer {
  private running = new Map<string, AbortController>();
  /** Answered requests whose keys the requester has not deleted yet: a fresh listing must not run them again. */
  private answered = new Set<string>();
  private watch: { close: () => void } | undefined;
  private stopped = false;

  constructor(private readonly membership: () => Membership, private readonly serve: Serve, private readonly log: (msg: string) => void) {}

  /** Lists the waiting requests and watches for more; on a broken watch, again a second later. */
  async start(): Promise<void> {
    const m = this.membership();
    const etcd = etcdFor(m.store);
    const k = requestKeys(m.prefix);
    try {
      const { kvs, revision } = await etcd.list(k.requests(m.node));
      const listed = new Set(kvs.map((kv) => kv.key));
      for (const key of this.answered) if (!listed.has(key)) this.answered.delete(key);
      for (const kv of kvs) this.take(m, kv.key, kv.value);
      this.watch = etcd.watch(k.requests(m.node), revision + 1, (evs) => {
        for (const e of evs) {
          if (e.type === 'PUT') this.take(m, e.kv.key, e.kv.value);
          else { this.running.get(e.kv.key)?.abort(); this.answered.delete(e.kv.key); }
        }
      }, () => this.retry());
    } catch (e) {
      this.log(`requests: ${(e as Error).message}`);
      this.retry();
    }
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
    for (const ac of this.running.values()) ac.abort();
  }

  private retry(): void {
    this.watch = undefined;
    if (!this.stopped) setTimeout(() => { if (!this.stopped) void this.start(); }, 1000);
  }

  private take(m: Membership, key: string, value: string): void {
    if (this.running.has(key) || this.answered.has(key)) return;
    let req: RemoteRequest;
    try { req = JSON.parse(value) as RemoteRequest; } catch { return; }
    const id = key.slice(requestKeys(m.prefix).requests(m.node).length);
    const ac = new AbortController();
    this.running.set(key, ac);
    const answer = new Answer(m, id, req.lease, () => ac.abort());
    this.log(`request ${id} from node ${req.from}: ${req.verb}`);
    void (async () => {
      try {
        await answer.put({});
        const exit = await this.serve(req, (item) => answer.emit(item), ac.signal);
        await answer.end({ exit });
      } catch (e) {
        await answer.end({ error: (e as Error).message.split('\n')[0]! }).catch(() => undefined);
      } finally {
        this.running.delete(key);
        this.answered.add(key);
      }
    })();
  }
}
