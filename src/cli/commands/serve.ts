/** The `baogong serve` command: runs the server. */
import { createServer } from 'node:net';
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.ts';

/** `baogong serve`: the server. Reads PORT, HOST, DATABASE_URL and BAOGONG_DATA. */
export function registerServeCommands(program: Command, _ctx: CliContext): void {
  program
    .command('serve')
    .description('start the Baogong server (embedded PGlite in BAOGONG_DATA, or DATABASE_URL); loads the demo on first start')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to bind (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'embedded database folder (env BAOGONG_DATA)', process.env.BAOGONG_DATA ?? './baogong-data')
    .option('--no-demo', 'do not load the demo scenario into an empty database')
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug', process.env.LOG_LEVEL ?? 'info')
    .action(async (opts) => {
      const { openService } = await import('../../app.ts');
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`error: --port must be an integer 0-65535, got ${JSON.stringify(opts.port)}`);
        process.exit(2);
      }
      const say = (m: string) => process.stderr.write(`[baogong] ${m}\n`);
      // Say at once that the port is taken, rather than after loading the database.
      if (port !== 0) await assertPortFree(port, opts.host);
      const svc = await openService({
        databaseUrl: process.env.DATABASE_URL,
        dataDir: opts.data,
        demo: opts.demo,
        logger: { level: opts.logLevel },
        log: say,
        schedulers: true,
        purpose: 'serve',
      });
      let address: string;
      try {
        address = await svc.app.listen({ port, host: opts.host });
      } catch (e) {
        await svc.close();
        const code = (e as NodeJS.ErrnoException).code;
        throw listenError(e, port, opts.host);
      }
      // A CLI command started later finds the folder locked and is told this URL.
      svc.database.lock?.setUrl(address);
      say(`database: ${svc.database.kind} (${svc.database.location})`);
      say(`API:      ${address}/api`);
      say(`OpenAPI:  ${address}/openapi.json`);
      say(`API docs: ${address}/docs`);
      say(`health:   ${address}/health`);
      say(`web:      ${address}/`);
      process.stdout.write(`Baogong is running at ${address}\n`);
      const stop = async () => {
        say('shutting down…');
        await svc.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

function listenError(e: unknown, port: number, host: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new CliError(`error: port ${port} on ${host} is already in use by another process (is Baogong already running? see http://${host}:${port}/health). Choose another with --port, or --port 0 for any free port.`, 2);
  if (code === 'EACCES') return new CliError(`error: not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges). Choose another with --port.`, 2);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`error: ${host} is not an address of this machine. Choose another with --host.`, 2);
  return e;
}

/** Listens on the port for a moment and closes it; throws the same one-line error as listen would. */
async function assertPortFree(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e) => reject(listenError(e, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
