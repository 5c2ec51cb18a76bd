// A watch in the foreground: runs until Ctrl-C (or SIGTERM), which stops
// watching and leaves the project running; a second one while the last
// batch is still being applied exits at once (the project lock goes with
// the process). A watcher failure (the inotify limit) ends it with its error.
import { startWatch, type WatchOptions } from './session.js';

export async function watchUntilInterrupted(o: WatchOptions): Promise<number> {
  const session = await startWatch(o);
  return new Promise<number>((resolve, reject) => {
    let interrupts = 0;
    const done = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };
    const onSignal = () => {
      if (++interrupts > 1) {
        process.stderr.write('watch: forced to stop\n');
        process.exit(130);
      }
      session.stop().then(() => { done(); resolve(0); }, (e: Error) => { done(); reject(e); });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    session.failed.catch((e: Error) => {
      session.stop().finally(() => { done(); reject(e); });
    });
  });
}
