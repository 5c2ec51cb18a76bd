// Container names as Compose shows them in logs and notices.

/** The name Compose shows for a container: without its "<project>-" prefix when it has the service's form. */
export function displayName(name: string, project: string, service: string): string {
  for (const sep of ['-', '_']) {
    if (name.startsWith(`${project}${sep}${service}${sep}`)) return name.slice(project.length + 1);
  }
  return name;
}
