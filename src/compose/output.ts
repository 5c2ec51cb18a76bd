// `berth config` output: the project in the shape and key order that
// docker compose v2 prints (name, services sorted by name with their keys
// sorted, networks, volumes, secrets, configs, then x-* extensions).
import { emitYaml } from './yaml-emit.js';
import type { Project, Service, ServiceFileRef } from './model.js';
import { sorted } from './coerce.js';

/** The printable document (no workingDir/environment bookkeeping). */
export function configDocument(p: Project): Record<string, unknown> {
  const services = Object.fromEntries(Object.entries(p.services).map(([n, s]) => [n, withOctalModes(s)]));
  const doc: Record<string, unknown> = { name: p.name, services: sorted(services) };
  if (Object.keys(p.networks).length) doc.networks = p.networks;
  if (Object.keys(p.volumes).length) doc.volumes = p.volumes;
  if (Object.keys(p.secrets).length) doc.secrets = p.secrets;
  if (Object.keys(p.configs).length) doc.configs = p.configs;
  for (const k of Object.keys(p.extensions).sort()) doc[k] = p.extensions[k];
  return doc;
}

/** A file mode as docker compose prints it: an octal string ("0440"), in YAML and JSON alike. */
function octal(refs: ServiceFileRef[] | undefined): ServiceFileRef[] | undefined {
  return refs?.map((r) => (r.mode === undefined ? r : ({ ...r, mode: `0${r.mode.toString(8)}` } as unknown as ServiceFileRef)));
}

function withOctalModes(s: Service): Service {
  const hasMode = (refs?: ServiceFileRef[]) => refs?.some((r) => r.mode !== undefined);
  const buildSecrets = s.build?.secrets as ServiceFileRef[] | undefined;
  if (!hasMode(s.secrets) && !hasMode(s.configs) && !hasMode(buildSecrets)) return s;
  const out: Service = { ...s };
  if (s.secrets) out.secrets = octal(s.secrets);
  if (s.configs) out.configs = octal(s.configs);
  if (s.build && buildSecrets) out.build = { ...s.build, secrets: octal(buildSecrets) };
  return out;
}

export function toYaml(doc: unknown): string {
  return emitYaml(doc);
}

export function toJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
