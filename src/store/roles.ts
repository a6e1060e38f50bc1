/**
 * Running the server as a database role that does not own the tables. Migrations
 * run as the owner (`baogong migrate` with the owner's DATABASE_URL); the server
 * connects as an application role that may read and write the data but not change
 * the schema, and may only read and append to the audit log: UPDATE, DELETE and
 * TRUNCATE on it fail with "permission denied" before the append-only triggers are
 * even reached. docs/operations.md shows the same statements.
 */
export function appRoleGrants(role: string, schema = 'public'): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`not a plain role name: ${role}`);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  return [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON ${schema}.audit_log FROM ${role}`,
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${schema}.kysely_migration, ${schema}.kysely_migration_lock FROM ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
  ];
}
