// What exists on the machine, as plain data: the reconciler's other input.
// observe() builds it from injected readers (the container, network, volume
// and image layers), so that this file depends on none of them.
import { compareText } from '../text-order.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';
export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ActualContainer {
  id: string;
  name: string;
  /** com.docker.compose.project label. */
  project: string;
  /** com.docker.compose.service label. */
  service: string;
  /** com.docker.compose.container-number label. */
  number: number;
  /** com.docker.compose.config-hash label. */
  configHash: string;
  /** Checked against the kernel: a container whose shim died is exited or dead, never running. */
  status: ContainerStatus;
  exitCode?: number;
  health?: HealthStatus;
  /** Image id the container was created from. */
  imageId?: string;
  /** A `run` container (com.docker.compose.oneoff=True): never an orphan, never scaled. */
  oneoff: boolean;
}

export interface ActualNetwork {
  name: string;
  id?: string;
  /** Labels recorded at creation (com.docker.compose.project / .network among them). */
  labels: Record<string, string>;
  driver: string;
  /** The DesiredNetwork.config map the network was created with. */
  config: Record<string, string>;
}

export interface ActualVolume {
  name: string;
  labels: Record<string, string>;
  driver: string;
  driverOpts: Record<string, string>;
}

export interface ActualImage {
  /** Normalized reference, as in DesiredService.image. */
  ref: string;
  id: string;
  /** When the reference was last pulled (ISO time; for an image never pulled, when it entered the store). */
  pulledAt?: string;
}

export interface ActualState {
  /** The project's containers (by project label), one-off ones included. */
  containers: ActualContainer[];
  /** Networks that exist (at least those the project names or labels). */
  networks: ActualNetwork[];
  /** Volumes that exist (at least those the project names or labels). */
  volumes: ActualVolume[];
  /** Images present in the store. */
  images: ActualImage[];
}

/** The layers observe() reads from; each is the thin adapter of one driver. */
export interface StateReader {
  containers(project: string): Promise<ActualContainer[]> | ActualContainer[];
  networks(): Promise<ActualNetwork[]> | ActualNetwork[];
  volumes(): Promise<ActualVolume[]> | ActualVolume[];
  images(): Promise<ActualImage[]> | ActualImage[];
}

/** Reads the actual state of one project; the readers run concurrently. */
export async function observe(project: string, reader: StateReader): Promise<ActualState> {
  const [containers, networks, volumes, images] = await Promise.all([
    reader.containers(project), reader.networks(), reader.volumes(), reader.images(),
  ]);
  return {
    containers: containers.filter((c) => c.project === project)
      .sort((a, b) => compareText(a.service, b.service) || a.number - b.number || compareText(a.name, b.name)),
    networks, volumes, images,
  };
}

export function isActive(c: ActualContainer): boolean {
  return c.status === 'running' || c.status === 'restarting' || c.status === 'paused';
}
