// Output as docker compose prints logs: "web-1  | text", the prefix padded
// to the longest name and coloured from Compose's cycle (in the order the
// containers first appear), optionally with the entry's timestamp.
import { writeErr, writeOut } from './output.js';

/** Which output stream a line came from. */
export type LogStream = 'stdout' | 'stderr';

// Compose's rainbow: cyan, yellow, green, magenta, blue, then their intense forms.
const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

function colour(code: string, s: string): string {
  return `\x1b[${code}m${s}\x1b[0m`;
}

export interface PrinterOptions {
  /** Coloured prefixes (Compose: unless --no-color, or when output is not a terminal). */
  color: boolean;
  /** Print "name  | " before each line (false: --no-log-prefix). */
  prefix: boolean;
  /** Print the entry's RFC3339 time (nine fraction digits) before the text (-t). */
  timestamps: boolean;
  write?: (stream: LogStream, text: string) => void;
}

export interface PrintableLine {
  /** The container's display name (without its project prefix). */
  name: string;
  stream: LogStream;
  time: string;
  text: string;
}

/** Formats and writes lines; widths grow as containers are added. */
export class LogPrinter {
  private colours = new Map<string, string>();
  private width = 0;
  private readonly write: (stream: LogStream, text: string) => void;

  constructor(readonly o: PrinterOptions) {
    this.write = o.write ?? ((stream, text) => (stream === 'stderr' ? writeErr : writeOut)(text));
  }

  /** Declares a container name (its colour is the next in the cycle; the prefix width may grow). */
  add(name: string): void {
    if (!this.colours.has(name)) this.colours.set(name, RAINBOW[this.colours.size % RAINBOW.length]!);
    this.width = Math.max(this.width, name.length);
  }

  format(l: PrintableLine): string {
    this.add(l.name);
    let out = '';
    if (this.o.prefix) {
      // Compose pads to the longest name plus one: "web-1  | ".
      const p = `${l.name.padEnd(this.width + 1)} | `;
      out += this.o.color ? colour(this.colours.get(l.name)!, p) : p;
    }
    if (this.o.timestamps) out += `${l.time} `;
    return `${out}${l.text}\n`;
  }

  print(l: PrintableLine): void {
    this.write(l.stream, this.format(l));
  }

  /** A one-off status line in the container's colour, as Compose prints "web-1 exited with code 0". */
  notice(name: string, text: string): void {
    this.add(name);
    const line = `${name} ${text}`;
    this.write('stdout', `${this.o.color ? colour(this.colours.get(name)!, line) : line}\n`);
  }
}
