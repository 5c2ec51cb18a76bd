// `berth config` output: the project in the shape and key order that
// docker compose v2 prints (name, services sorted by name with their keys
// sorted, networks, volumes, secrets, configs, then x-* extensions).
import { emitYaml } from './yaml-emit.js';
import type { Project } from './model.js';
import { sorted } from './coerce.js';

/** The printable document (no workingDir/environment bookkeeping). */
export function configDocument(p: Project): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: p.name, services: sorted(p.services) };
  if (Object.keys(p.networks).length) doc.networks = p.networks;
  if (Object.keys(p.volumes).length) doc.volumes = p.volumes;
  if (Object.keys(p.secrets).length) doc.secrets = p.secrets;
  if (Object.keys(p.configs).length) doc.configs = p.configs;
  for (const k of Object.keys(p.extensions).sort()) doc[k] = p.extensions[k];
  return doc;
}

export function toYaml(doc: unknown): string {
  return emitYaml(doc);
}

export function toJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
