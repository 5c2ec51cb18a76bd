// Networks and volumes for `up`: create the missing ones, check that existing
// ones are the project's and unchanged (a change cannot be applied in place:
// the error says what differs and what to do), external ones must exist.
import { BerthError } from '../errors.js';
import type { ActualNetwork, ActualVolume } from './actual.js';
import { LABELS, type DesiredNetwork, type DesiredProject, type DesiredVolume } from './desired.js';
import type { PlanBuilder } from './plan.js';

function show(v: string | undefined): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

/** "driver \"bridge\" → \"overlay\", subnet ..." for every key whose value differs. */
function describeDiff(expected: Record<string, string>, actual: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys.filter((k) => expected[k] !== actual[k]).map((k) => `${k} ${show(actual[k])} → ${show(expected[k])}`);
}

function checkNetwork(project: string, want: DesiredNetwork, have: ActualNetwork, b: PlanBuilder): void {
  const owner = have.labels[LABELS.project];
  const key = have.labels[LABELS.network];
  if (owner === undefined && key === undefined) {
    b.warn(`a network with name ${want.name} exists but was not created by berth for project ${project}; set \`external: true\` to use an existing network`);
    return;
  }
  if (owner !== project) {
    throw new BerthError(`network ${want.name} was found but has incorrect label ${LABELS.project} set to ${show(owner)} (expected ${show(project)}); run "berth down" for the project that created it, or set \`external: true\``);
  }
  if (key !== want.key) {
    throw new BerthError(`network ${want.name} was found but has incorrect label ${LABELS.network} set to ${show(key)} (expected ${show(want.key)}); run "berth down" first to remove it`);
  }
  const diffs = describeDiff({ driver: want.driver, ...want.config }, { driver: have.driver, ...have.config });
  if (diffs.length > 0) {
    throw new BerthError(`network ${want.name} exists with a different configuration: ${diffs.join(', ')}; run "berth down" first to remove it, then "berth up"`);
  }
}

/** Plans the networks the given keys name; returns key → id of its create action (if any). */
export function planNetworks(desired: DesiredProject, actual: ActualNetwork[], keys: Set<string>, b: PlanBuilder): Map<string, number> {
  const created = new Map<string, number>();
  for (const net of desired.networks) {
    if (!keys.has(net.key)) continue;
    const have = actual.find((n) => n.name === net.name);
    if (net.external) {
      if (!have) throw new BerthError(`network ${net.name} declared as external, but could not be found; create it first (berth network create ${net.name})`);
      continue;
    }
    if (have) {
      checkNetwork(desired.name, net, have, b);
      continue;
    }
    created.set(net.key, b.add({ kind: 'network.create', resource: 'Network', name: net.name, key: net.key, after: [] }));
  }
  return created;
}

function checkVolume(project: string, want: DesiredVolume, have: ActualVolume, b: PlanBuilder): void {
  const owner = have.labels[LABELS.project];
  if (owner === undefined) {
    b.warn(`volume "${want.name}" already exists but was not created by berth; use \`external: true\` to use an existing volume`);
    return;
  }
  if (owner !== project) {
    throw new BerthError(`volume "${want.name}" already exists but was created for project ${show(owner)} (expected ${show(project)}); use \`external: true\` to use an existing volume`);
  }
  const expected: Record<string, string> = { driver: want.driver };
  const actual: Record<string, string> = { driver: have.driver };
  for (const [k, v] of Object.entries(want.driverOpts)) expected[`driver_opts.${k}`] = v;
  for (const [k, v] of Object.entries(have.driverOpts)) actual[`driver_opts.${k}`] = v;
  const diffs = describeDiff(expected, actual);
  if (diffs.length > 0) {
    throw new BerthError(`volume ${want.name} exists with a different configuration: ${diffs.join(', ')}; remove it with "berth down -v" (this deletes its data), then "berth up"`);
  }
}

/** Plans the volumes the given keys name; returns key → id of its create action (if any). */
export function planVolumes(desired: DesiredProject, actual: ActualVolume[], keys: Set<string>, b: PlanBuilder): Map<string, number> {
  const created = new Map<string, number>();
  for (const vol of desired.volumes) {
    if (!keys.has(vol.key)) continue;
    const have = actual.find((v) => v.name === vol.name);
    if (vol.external) {
      if (!have) throw new BerthError(`external volume "${vol.name}" not found; create it first (berth volume create ${vol.name})`);
      continue;
    }
    if (have) {
      checkVolume(desired.name, vol, have, b);
      continue;
    }
    created.set(vol.key, b.add({ kind: 'volume.create', resource: 'Volume', name: vol.name, key: vol.key, after: [] }));
  }
  return created;
}
