/**
 * The `baogong` CLI. Commands talk to a running server (--server / BAOGONG_URL),
 * or, when none answers, to the local database in-process.
 */
import { Command, CommanderError } from 'commander';
import { CliError, createCliContext } from './context.ts';
import { FolderLockedError } from '../store/lock.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerNetworkCommands } from './commands/network.ts';
import { registerInventoryCommands } from './commands/inventory.ts';
import { registerZonesCommands } from './commands/zones.ts';
import { registerPlanningCommands } from './commands/planning.ts';
import { registerAuthCommands } from './commands/auth.ts';
import { registerSimulateCommands } from './commands/simulate.ts';
import { registerIncidentCommands } from './commands/incidents.ts';
import { registerWorkforceCommands } from './commands/workforce.ts';
import { registerOrdersCommands } from './commands/orders.ts';
import { registerTripsCommands } from './commands/trips.ts';
import { registerRouteCommands } from './commands/route.ts';

const program = new Command();
program
  .name('baogong')
  .description('Baogong (保供): keep a fresh-grocery chain supplying people when a crisis closes stores')
  .option('--server <url>', 'Baogong server URL (env BAOGONG_URL; default http://127.0.0.1:8080, else the local database)')
  .option('--token <token>', 'API token (env BAOGONG_TOKEN)')
  .option('--json', 'print JSON instead of tables')
  .showHelpAfterError()
  .exitOverride();

const ctx = createCliContext(program);

// One line per context.
registerServeCommands(program, ctx);
registerNetworkCommands(program, ctx);
registerInventoryCommands(program, ctx);
registerZonesCommands(program, ctx);
registerPlanningCommands(program, ctx);
registerAuthCommands(program, ctx);
registerSimulateCommands(program, ctx);
registerIncidentCommands(program, ctx);
registerWorkforceCommands(program, ctx);
registerOrdersCommands(program, ctx);
registerTripsCommands(program, ctx);
registerRouteCommands(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
    } else if (e instanceof CliError) {
      process.stderr.write(e.message + '\n');
      process.exitCode = e.exitCode;
    } else if (e instanceof FolderLockedError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 3;
    } else {
      // A bug or an unexpected failure: one line for the person, the stack only when asked.
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(`error: ${err?.message ?? String(e)}${err?.code ? ` (${err.code})` : ''}\n`);
      if (process.env.BAOGONG_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
      else process.stderr.write('(set BAOGONG_DEBUG=1 to see the stack trace)\n');
      process.exitCode = 1;
    }
  }
  if (program.args[0] !== 'serve') {
    await ctx.close();
  }
}

await main();
