// A small etcd v3 client over etcd's JSON gateway (POST /v3/kv/range,
// /v3/kv/txn, /v3/lease/*, streaming /v3/watch) with node's http module.
// The gateway ships with every etcd server, so this needs no gRPC stack
// (the npm clients pull grpc-js and protobufjs, megabytes loaded on every
// CLI start for a handful of calls). Keys and values are base64 on the wire;
// here they are strings. Endpoints are tried in turn, starting with the last
// that answered: the first that answers serves the call. A watch runs on
// that endpoint; when its stream breaks the next watch starts on the next
// endpoint, so a watcher that watches again after a close fails over.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { BerthError } from '../errors.js';

export interface KeyValue { key: string; value: string; createRevision: number; modRevision: number; lease?: string }
export type Compare =
  | { key: string; target: 'CREATE'; createRevision: number }
  | { key: string; target: 'VALUE'; value: string }
  | { key: string; target: 'MOD'; modRevision: number };
export type Op =
  | { put: { key: string; value: string; lease?: string } }
  | { delete: { key: string; prefix?: boolean } };
export interface WatchEvent { type: 'PUT' | 'DELETE'; kv: KeyValue }

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString();

/** The end of the range of every key that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) { b[i]!++; return b.subarray(0, i + 1).toString('base64'); }
  }
  return Buffer.from([0]).toString('base64');
}

function kv(raw: Record<string, string>): KeyValue {
  return {
    key: unb64(raw.key), value: unb64(raw.value),
    createRevision: Number(raw.create_revision ?? 0), modRevision: Number(raw.mod_revision ?? 0),
    ...(raw.lease && raw.lease !== '0' ? { lease: raw.lease } : {}),
  };
}

/** "etcd://h:p,h:p" or "http://h:p,..." or "h:p" → ["http://h:p", ...]; a bad entry is a BerthError. */
export function parseStoreUrl(text: string): string[] {
  const list = text.replace(/^etcd:\/\//, '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new BerthError(`invalid store '${text}' (want etcd://HOST:PORT[,HOST:PORT...])`);
  return list.map((e) => {
    const hp = e.replace(/^https?:\/\//, '').replace(/\/$/, '');
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(hp);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new BerthError(`invalid store endpoint '${e}' (want HOST:PORT)`);
    return `http://${hp}`;
  });
}

class EtcdError extends BerthError {}

export class Etcd {
  /** The endpoint that answered last: calls and watches start there. */
  private preferred = 0;

  constructor(readonly endpoints: string[], readonly timeoutMs = 5000) {
    if (!endpoints.length) throw new BerthError('etcd: no endpoint given');
  }

  private post(base: string, path: string, body: unknown): Promise<unknown> {
    return new Promise((ok, fail) => {
      const data = JSON.stringify(body);
      const req = request(`${base}${path}`, {
        method: 'POST', timeout: this.timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: Record<string, unknown>;
          try { json = JSON.parse(text || '{}'); } catch { return fail(new EtcdError(`etcd at ${base}: unreadable answer to ${path}`)); }
          if (res.statusCode !== 200 || json.error) {
            const msg = String(json.message ?? json.error ?? `HTTP ${res.statusCode}`);
            return fail(Object.assign(new EtcdError(`etcd at ${base} refused ${path}: ${msg}`), { refused: true }));
          }
          ok(json);
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => fail(e));
      req.end(data);
    });
  }

  /** One call, tried on each endpoint until one answers; an etcd refusal is not retried elsewhere. */
  async call<T>(path: string, body: unknown): Promise<T> {
    const errs: string[] = [];
    for (let i = 0; i < this.endpoints.length; i++) {
      const at = (this.preferred + i) % this.endpoints.length;
      const base = this.endpoints[at]!;
      try {
        const r = await this.post(base, path, body) as T;
        this.preferred = at;
        return r;
      } catch (e) {
        if ((e as { refused?: boolean }).refused) throw e;
        errs.push(`${base.replace('http://', '')}: ${(e as Error).message}`);
      }
    }
    throw new EtcdError(`etcd unreachable (${errs.join('; ')})`);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const r = await this.call<{ kvs?: Array<Record<string, string>> }>('/v3/kv/range', { key: b64(key) });
    return r.kvs?.length ? kv(r.kvs[0]!) : undefined;
  }

  /** Every key under `prefix`, in key order, and the store's revision at the time. */
  async list(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    const r = await this.call<{ kvs?: Array<Record<string, string>>; header: { revision: string } }>(
      '/v3/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) });
    return { kvs: (r.kvs ?? []).map(kv), revision: Number(r.header.revision) };
  }

  async put(key: string, value: string, lease?: string): Promise<void> {
    await this.call('/v3/kv/put', { key: b64(key), value: b64(value), ...(lease ? { lease } : {}) });
  }

  async delete(key: string, opts: { prefix?: boolean } = {}): Promise<void> {
    await this.call('/v3/kv/deleterange', { key: b64(key), ...(opts.prefix ? { range_end: prefixEnd(key) } : {}) });
  }

  /** An atomic compare-and-swap: the ops run only when every compare holds. */
  async txn(compare: Compare[], success: Op[], failure: Op[] = []): Promise<boolean> {
    const cmp = compare.map((c) => ({
      key: b64(c.key), result: 'EQUAL', target: c.target,
      ...(c.target === 'CREATE' ? { create_revision: String(c.createRevision) } : c.target === 'MOD' ? { mod_revision: String(c.modRevision) } : { value: b64(c.value) }),
    }));
    const op = (o: Op) => ('put' in o
      ? { request_put: { key: b64(o.put.key), value: b64(o.put.value), ...(o.put.lease ? { lease: o.put.lease } : {}) } }
      : { request_delete_range: { key: b64(o.delete.key), ...(o.delete.prefix ? { range_end: prefixEnd(o.delete.key) } : {}) } });
    const r = await this.call<{ succeeded?: boolean }>('/v3/kv/txn', { compare: cmp, success: success.map(op), failure: failure.map(op) });
    return Boolean(r.succeeded);
  }

  /** Puts `value` at `key` only when the key does not exist; false when it does. */
  createIfAbsent(key: string, value: string, lease?: string): Promise<boolean> {
    return this.txn([{ key, target: 'CREATE', createRevision: 0 }], [{ put: { key, value, lease } }]);
  }

  async leaseGrant(ttlSeconds: number): Promise<string> {
    const r = await this.call<{ ID: string }>('/v3/lease/grant', { TTL: String(ttlSeconds) });
    return r.ID;
  }

  /** Renews a lease; false when it has already expired. */
  async leaseKeepAlive(id: string): Promise<boolean> {
    const r = await this.call<{ result?: { TTL?: string } }>('/v3/lease/keepalive', { ID: id });
    return Number(r.result?.TTL ?? 0) > 0;
  }

  async leaseRevoke(id: string): Promise<void> {
    try {
      await this.call('/v3/lease/revoke', { ID: id });
    } catch (e) {
      if (!/not found/.test((e as Error).message)) throw e;
    }
  }

  /**
   * Watches every key under `prefix` from `fromRevision` on; events arrive in
   * order. `onClose` is told when the stream ends (etcd gone, compaction):
   * the caller lists again and watches from the new revision.
   */
  watch(prefix: string, fromRevision: number, onEvents: (e: WatchEvent[], revision: number) => void, onClose: (err?: Error) => void): { close: () => void } {
    let req: ClientRequest | undefined;
    let closed = false;
    const at = this.preferred;
    const end = (err?: Error) => {
      if (closed) return;
      closed = true;
      req?.destroy();
      // The next watch (and call) starts on the next endpoint.
      if (this.preferred === at) this.preferred = (at + 1) % this.endpoints.length;
      onClose(err);
    };
    const body = JSON.stringify({ create_request: { key: b64(prefix), range_end: prefixEnd(prefix), start_revision: String(fromRevision) } });
    const base = this.endpoints[at]!;
    req = request(`${base}/v3/watch`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res: IncomingMessage) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        // The gateway writes one JSON object per line.
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line) continue;
          let msg: { result?: { header?: { revision?: string }; events?: Array<{ type?: string; kv: Record<string, string> }>; canceled?: boolean; compact_revision?: string } };
          try { msg = JSON.parse(line); } catch { return end(new EtcdError('etcd watch: unreadable event')); }
          const r = msg.result;
          if (!r) continue;
          if (r.canceled || (r.compact_revision && r.compact_revision !== '0')) return end(new EtcdError('etcd watch canceled'));
          if (r.events?.length) onEvents(r.events.map((e) => ({ type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: kv(e.kv) })), Number(r.header?.revision ?? 0));
        }
      });
      res.on('end', () => end());
      res.on('error', (e) => end(e));
    });
    req.on('error', (e) => end(e));
    req.end(body);
    return { close: () => { closed = true; req?.destroy(); } };
  }
}
