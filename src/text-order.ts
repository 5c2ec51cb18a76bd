// Ordering of names and timestamps by UTF-16 code unit, which for the ASCII
// names berth sorts is Go's byte order (as docker compose sorts them).
// String#localeCompare is avoided on purpose: its first call initialises an
// ICU collator, ~15 ms of every CLI run, and its order depends on the locale.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
