import type { Command } from 'commander';
import { guard } from '../guard.js';


export function registerLogin(program: Command): void {
  program.command('login').description('log in to a registry (credentials are saved in Docker\'s config.json)')
    .argument('[server]', 'registry host[:port] (default: Docker Hub)')
    .option('-u, --username <name>', 'user name')
    .option('--password <password>', 'password (-p is the global --project-name)')
    .option('--password-stdin', 'read the password from stdin')
    .action(guard(async (server: string | undefined, opts: { username?: string; password?: string; passwordStdin?: boolean }) => {
      const { loginCommand } = await import('../../project/image/remote-actions.js');
      await loginCommand(server, opts);
    }));
}

export function registerLogout(program: Command): void {
  program.command('logout').description('log out from a registry')
    .argument('[server]', 'registry host[:port] (default: Docker Hub)')
    .action(guard(async (server: string | undefined) => {
      const { logoutCommand } = await import('../../project/image/remote-actions.js');
      logoutCommand(server);
    }));
}
