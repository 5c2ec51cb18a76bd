// Child process for the lock tests: takes the lock of <project> under <root>,
// prints "locked <pid>", and holds it until stdin closes (or it is killed).
import { lockProject } from '../../../src/state/lock.js';
import { statePaths } from '../../../src/state/paths.js';

const [root, project, timeout] = process.argv.slice(2);
const lock = await lockProject(statePaths(root, {}), project, {
  timeoutMs: timeout ? Number(timeout) : 20_000,
  onWait: (m) => process.stdout.write(`wait ${m}\n`),
}).catch((e: Error) => {
  process.stdout.write(`failed ${e.message}\n`);
  process.exit(3);
});
process.stdout.write(`locked ${process.pid}\n`);
process.stdin.resume();
process.stdin.on('end', () => { lock.release(); process.stdout.write('released\n'); process.exit(0); });
