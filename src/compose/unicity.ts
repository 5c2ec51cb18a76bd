// A sequence that names the same thing twice keeps one entry, as compose-go
// reads it: the later entry wins, in the place of the first. `environment:
// [A=1, A=2]` is A=2; two volumes on one target are one. Runs on the merged
// model before validation (so that the schema's uniqueItems sees no
// duplicates a Compose file may legally contain).
import { KEYED } from './merge.js';
import { copyLoc, ensureLoc, isObj, locOf, type Obj } from './source.js';

type KeyOf = (v: unknown) => string | undefined;

/** KEY=VALUE (or a bare word): the key. */
const keyValue: KeyOf = (v) => (typeof v === 'string' ? v.split('=', 1)[0] : undefined);
const itself: KeyOf = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

const SERVICE_FIELDS: Record<string, KeyOf> = {
  annotations: keyValue, cap_add: keyValue, cap_drop: keyValue, dns: keyValue, dns_opt: keyValue, dns_search: keyValue,
  environment: keyValue, labels: keyValue, links: keyValue, profiles: keyValue, sysctls: keyValue, tmpfs: keyValue,
  expose: itself,
};
for (const [pattern, key] of Object.entries(KEYED)) SERVICE_FIELDS[pattern.slice('services.*.'.length)] = key;
const BUILD_FIELDS: Record<string, KeyOf> = { args: keyValue, additional_contexts: keyValue, platforms: keyValue, tags: keyValue, labels: keyValue };

/** `list` without its repeated entries (undefined keys are kept as they are). */
function dedupe(list: unknown[], keyOf: KeyOf): unknown[] {
  const out: unknown[] = [];
  const at = new Map<string, number>();
  list.forEach((item, i) => {
    const k = keyOf(item);
    const j = k === undefined ? undefined : at.get(k);
    if (j !== undefined) { out[j] = item; copyLoc(list, i, out, j); return; }
    if (k !== undefined) at.set(k, out.length);
    copyLoc(list, i, out, out.length);
    out.push(item);
  });
  const self = locOf(list)?.self;
  if (self) ensureLoc(out).self = self;
  return out;
}

function fields(o: unknown, table: Record<string, KeyOf>): void {
  if (!isObj(o)) return;
  for (const [k, keyOf] of Object.entries(table)) {
    const v = o[k];
    if (Array.isArray(v)) o[k] = dedupe(v, keyOf);
  }
}

export function enforceUnicity(model: Obj): void {
  if (isObj(model.services)) {
    for (const s of Object.values(model.services)) {
      if (!isObj(s)) continue;
      fields(s, SERVICE_FIELDS);
      fields(s.build, BUILD_FIELDS);
      if (isObj(s.deploy)) fields(s.deploy, { labels: keyValue });
      if (isObj(s.networks)) for (const n of Object.values(s.networks)) fields(n, { aliases: keyValue, link_local_ips: keyValue });
    }
  }
  if (isObj(model.networks)) {
    for (const n of Object.values(model.networks)) {
      fields(n, { labels: keyValue });
      if (isObj(n)) fields(n.ipam, { options: keyValue });
    }
  }
}
