// Docker-style tables: left-aligned columns separated by three spaces.
export function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('   ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Bytes in binary units as Docker's units.BytesSize ("1.5MiB"). */
export function bytesBinary(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${trim(n)}${units[i]}`;
}

/** Bytes in decimal units as Docker's units.HumanSize ("1.2kB"). */
export function bytesDecimal(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${trim(n)}${units[i]}`;
}

function trim(n: number): string {
  return String(Number(n.toPrecision(3)));
}
