// Ctrl-C (SIGINT) and SIGTERM over the whole of a long command such as an
// attached `up`. One listener stays installed from the moment this is made
// until release(), and each phase of the command (converge, stop, attach)
// only swaps the reaction: removing a listener and adding the next one would
// leave the signal's default action (death, with the containers left running)
// in force in between, however short that gap looks in the code (a dynamic
// import, a log backlog written to the terminal).
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What the current phase does with the n-th interrupt (n counts from 1 over the whole command). */
type Reaction = (n: number) => void;

export class Interrupts {
  /** How many interrupts arrived so far. */
  count = 0;
  private reaction: Reaction;
  private readonly listener = (): void => { this.count++; this.reaction(this.count); };

  constructor(reaction: Reaction) {
    this.reaction = reaction;
    for (const s of SIGNALS) process.on(s, this.listener);
  }

  /** From now on interrupts go to `reaction`; with `replay`, those already counted are handed to it first, in order. */
  react(reaction: Reaction, replay = false): void {
    this.reaction = reaction;
    if (replay) for (let n = 1; n <= this.count; n++) reaction(n);
  }

  release(): void {
    for (const s of SIGNALS) process.off(s, this.listener);
  }
}
