// Compose's label vocabulary, as Docker Compose writes it on containers,
// networks and volumes: the one place these keys are spelled. A leaf module
// (no imports), so the container records, the reconciler and the project
// service all read the same names.
export const LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  configHash: 'com.docker.compose.config-hash',
  oneoff: 'com.docker.compose.oneoff',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
} as const;

/** Whether a label key is one of Compose's own (com.docker.compose.*), which docker compose leaves out of event attributes. */
export function isComposeLabel(key: string): boolean {
  return key.startsWith('com.docker.compose.');
}
