// `--filter key=value` of the list and prune verbs (ls, ps, images, network,
// volume): one parser, each verb naming the keys it takes.
import { UsageError } from '../errors.js';

export interface Filter { key: string; value: string }

/** Each key=value split, its key checked against the verb's; one clear error otherwise. */
export function parseFilters(list: readonly string[] | undefined, keys: readonly string[]): Filter[] {
  return (list ?? []).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`invalid filter "${item}": expected key=value`);
    const key = item.slice(0, eq);
    if (!keys.includes(key)) throw new UsageError(`invalid filter "${key}": valid keys are ${keys.join(', ')}`);
    return { key, value: item.slice(eq + 1) };
  });
}

/** dangling=true|false (1|0 too, as docker takes them). */
export function filterBool(f: Filter): boolean {
  if (f.value === 'true' || f.value === '1') return true;
  if (f.value === 'false' || f.value === '0') return false;
  throw new UsageError(`invalid filter "${f.key}=${f.value}": ${f.key} takes true or false`);
}

/** label=<key> or label=<key>=<value>: the key, and the value when one is given. */
export function labelSpec(spec: string): [key: string, value: string | undefined] {
  const eq = spec.indexOf('=');
  return eq < 0 ? [spec, undefined] : [spec.slice(0, eq), spec.slice(eq + 1)];
}

/** Whether labels carry label=<key>[=<value>]. */
export function labelMatches(labels: Record<string, string>, spec: string): boolean {
  const [k, v] = labelSpec(spec);
  return Object.hasOwn(labels, k) && (v === undefined || labels[k] === v);
}
