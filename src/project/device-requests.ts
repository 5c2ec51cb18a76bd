// GPUs and other device requests (`gpus`, deploy.resources.reservations.devices)
// need a vendor device plugin (the NVIDIA container toolkit hook for Docker);
// berth has none, so a service asking for one is refused by name before
// anything is created rather than started without its devices.
import type { Project } from '../compose/model.js';

/** The error for `service`'s device requests, or undefined when it has none. */
export function deviceRequestError(project: Project, service: string): string | undefined {
  const s = project.services[service];
  if (!s) return undefined;
  const reserved = (s.deploy?.resources?.reservations as { devices?: unknown[] } | undefined)?.devices;
  const key = s.gpus?.length ? 'gpus' : reserved?.length ? 'deploy.resources.reservations.devices' : undefined;
  if (!key) return undefined;
  return `service "${service}": ${key}: GPUs and other device requests are not supported by berth; pass device nodes with "devices:" instead`;
}
