// One DNS sync for the endpoint changes of one process that come together. An
// `up` or `down` attaches or detaches its containers side by side; a sync
// rebuilds the whole configuration from every record, writes it and signals
// the responder. A change asks for one once its records are written and its
// lock released: the sync queues for the lock, and every change that asks
// before that sync starts reading the records rides on it (it reads their
// records too). Each change still returns only once the responder has loaded
// a configuration with its records, or fails with the sync that would have.

type Loaded = () => Promise<void>;

interface Slot { started: boolean; loaded: Promise<Loaded> }

const pending = new Map<string, Slot>();

/**
 * A sync covering every record written before this call. `locked` runs its
 * argument under the network lock; `sync` writes the configuration from the
 * records and returns the wait for the responder.
 */
export function requestDnsSync(storeDir: string, locked: (f: () => Promise<Loaded>) => Promise<Loaded>, sync: () => Promise<Loaded>): Promise<Loaded> {
  const waiting = pending.get(storeDir);
  if (waiting && !waiting.started) return waiting.loaded;
  const slot = { started: false } as Slot;
  slot.loaded = locked(() => {
    // From here on the records are read: later requests need a sync of their own.
    slot.started = true;
    if (pending.get(storeDir) === slot) pending.delete(storeDir);
    return sync();
  });
  pending.set(storeDir, slot);
  slot.loaded.catch(() => undefined);  // each requester awaits it
  return slot.loaded;
}
