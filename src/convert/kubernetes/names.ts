// Kubernetes names from Compose names. Compose allows `_`, `.` and capitals
// in service, volume and network names; Kubernetes object names are DNS-1123
// labels (lowercase alphanumerics and `-`, at most 63, alphanumeric at both
// ends). The mapping is deterministic and keeps names readable; a short hash
// of the original is added only where a name is too long or two names meet.
import { sha256Hex } from '../../hashing.js';

const MAX = 63;

function shortHash(s: string): string {
  return sha256Hex(s).slice(0, 8);
}

/** A DNS-1123 label for `name`: lowercased, other characters as `-`, shortened with a hash past 63. */
export function dnsLabel(name: string): string {
  let s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (s === '') s = 'x';
  return s.length <= MAX ? s : withHash(s, name);
}

function withHash(s: string, original: string): string {
  const suffix = `-${shortHash(original)}`;
  return (s.slice(0, MAX - suffix.length).replace(/-+$/, '') || 'x') + suffix;
}

/**
 * DNS-1123 labels for a set of names, one each: where two names map to the
 * same label ("my_app" and "my-app"), those that changed get a hash of the
 * original appended, so every name keeps its own object.
 */
export function uniqueLabels(names: Iterable<string>): Map<string, string> {
  const all = [...names];
  const count = new Map<string, number>();
  for (const n of all) count.set(dnsLabel(n), (count.get(dnsLabel(n)) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const n of all) {
    const l = dnsLabel(n);
    out.set(n, count.get(l)! > 1 && l !== n ? withHash(l, n) : l);
  }
  return out;
}

/**
 * A label value: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends
 * (Compose project and service names fit already; the rest are mapped).
 */
export function labelValue(v: string): string {
  if (/^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/.test(v)) return v;
  const s = v.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const suffix = shortHash(v);
  const head = s.slice(0, MAX - suffix.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${suffix}` : suffix;
}

/** A key of a ConfigMap or Secret: [-._a-zA-Z0-9]+. */
export function dataKey(v: string): string {
  const s = v.replace(/[^-._a-zA-Z0-9]+/g, '_');
  return s === '' || s === '.' || s === '..' ? `key_${shortHash(v)}` : s;
}
