/** CLI commands for sign-in, users and the audit log. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, textTable, tokenFile, type CliContext } from '../context.ts';
import { ROLES } from '../../domain/auth/index.ts';

/** Sign-in, users and the audit log. */
export function registerAuthCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;

  program
    .command('login')
    .description('sign in to the server and save the session token in ~/.baogong/token')
    .requiredOption('--username <name>')
    .option('--password <password>', 'the password (env BAOGONG_PASSWORD)')
    .action(async (o) => {
      const password = o.password ?? process.env.BAOGONG_PASSWORD;
      if (!password) throw new CliError('give --password or set BAOGONG_PASSWORD', 2);
      const r = await ctx.request('POST', '/api/auth/login', { body: { username: o.username, password } });
      mkdirSync(path.dirname(tokenFile()), { recursive: true });
      writeFileSync(tokenFile(), r.token, { mode: 0o600 });
      process.stdout.write(`signed in as ${r.user.username} (${r.user.role}); token saved in ${tokenFile()}\n`);
    });

  const users = program.command('users').description('users and roles (admin)');
  users
    .command('create-admin')
    .description('create an admin user directly in the local database (the first admin)')
    .requiredOption('--username <name>')
    .requiredOption('--password <password>', 'at least 8 characters')
    .action(async (o) => {
      if (String(o.password).length < 8) throw new CliError(`--password must have at least 8 characters, got ${String(o.password).length}`, 2);
      const { openDatabase } = await import('../../store/db.ts');
      const { migrateToLatest } = await import('../../store/migrate.ts');
      const { createUser } = await import('../../store/auth.ts');
      const { DomainException } = await import('../../domain/shared/index.ts');
      const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : (process.env.BAOGONG_DATA ?? './baogong-data'), purpose: 'cli' });
      try {
        await migrateToLatest(database.db);
        const u = await createUser(database.db, { username: o.username, password: o.password, role: 'admin' }, new Date());
        process.stdout.write(`created admin ${u.username} (${u.id}) in ${database.location}\n`);
      } catch (e) {
        if (e instanceof DomainException) throw new CliError(`error: ${e.error.code}: ${e.error.message}`, 1);
        throw e;
      } finally {
        await database.close();
      }
    });
  users
    .command('list')
    .description('list users')
    .action(async () => {
      const r = await ctx.request('GET', '/api/users');
      ctx.print(r.users, { json: json(), table: (us: any[]) => textTable(['username', 'role', 'nodes', 'disabled'], us.map((u) => [u.username, u.role, u.nodeIds.join(',') || '-', u.disabled ? 'yes' : 'no'])) });
    });
  users
    .command('create')
    .description('create a user')
    .requiredOption('--username <name>')
    .requiredOption('--password <password>')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option('--nodes <ids>', 'comma-separated node ids (for node_manager and counter)')
    .action(async (o) => {
      const body = { username: o.username, password: o.password, role: o.role, nodeIds: o.nodes ? String(o.nodes).split(',') : [] };
      ctx.print(await ctx.request('POST', '/api/users', { body }), { json: true });
    });

  program
    .command('audit')
    .description('show the audit log (admin)')
    .option('--username <name>')
    .option('--route <text>')
    .option('--limit <n>', 'how many', '50')
    .action(async (o) => {
      const qs = new URLSearchParams(Object.entries({ username: o.username, route: o.route, limit: o.limit }).filter(([, v]) => v) as [string, string][]);
      const r = await ctx.request('GET', `/api/audit?${qs}`);
      ctx.print(r, { json: json(), table: (b: any) => textTable(['at', 'user', 'method', 'route', 'status', 'reason'], b.entries.map((e: any) => [e.at, e.username, e.method, e.route, e.statusCode, e.reason])) });
    });
}
