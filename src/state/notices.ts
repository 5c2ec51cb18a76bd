// Problems found while reading the state that do not stop a command: a
// record that cannot be read is skipped by listings (the other containers
// and projects keep working) and reported once, as one line naming the file,
// when the command ends. Drivers note; the CLI prints.
const notes = new Map<string, string>();

export function noteProblem(key: string, message: string): void {
  if (!notes.has(key)) notes.set(key, message);
}

/** The notes so far, each once, and forgets them. */
export function takeNotices(): string[] {
  const out = [...notes.values()];
  notes.clear();
  return out;
}
