// CLI start-up: `berth --version` against docker-compose's.
import { existsSync } from 'node:fs';
import { command } from '../lib.mjs';

const berth = new URL('../../bin/berth', import.meta.url).pathname;

export default {
  name: 'version',
  description: 'CLI start-up: --version',
  reps: 20,
  variants: () => [
    { name: 'berth', run: command([process.execPath, berth, '--version']) },
    { name: 'docker-compose', available: () => existsSync('/usr/bin/docker-compose'), install: 'bash bench/setup-peers.sh', run: command(['/usr/bin/docker-compose', 'version']) },
  ],
};
