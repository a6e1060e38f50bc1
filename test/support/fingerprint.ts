import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/store/tables.ts';

/**
 * A digest of every table's rows (except the audit log and idempotency keys,
 * which legitimately grow), to prove that a refused request changed nothing.
 */
export async function dbFingerprint(db: Kysely<DB>): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('audit_log', 'idempotency_keys', 'kysely_migration', 'kysely_migration_lock', 'auth_tokens')
    ORDER BY table_name`.execute(db);
  const out: Record<string, string> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number; h: string | null }>`
      SELECT count(*)::int AS n, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS h
      FROM ${sql.table(table_name)} t`.execute(db);
    out[table_name] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}

/** Every route in the OpenAPI document, with its path parameters. */
export interface ApiRoute {
  method: string;
  path: string;
  hasBody: boolean;
  /** True when the JSON body schema requires at least one property (so `{}` must be refused). */
  bodyRequiresFields: boolean;
  params: string[];
}

export function openApiRoutes(doc: any): ApiRoute[] {
  const out: ApiRoute[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      // A body that may be left out (an object with no required field, possibly `null`) does not require fields.
      const alternatives: any[] = schema ? (schema.anyOf ?? schema.oneOf ?? [schema]) : [];
      const optionalObject = alternatives.some((a) => a.type === 'object' && !(Array.isArray(a.required) && a.required.length > 0) && !(a.minProperties > 0));
      const bodyRequiresFields = !!schema && !optionalObject;
      out.push({ method: method.toUpperCase(), path, hasBody: !!op.requestBody, bodyRequiresFields, params });
    }
  }
  return out;
}

export function fillPath(path: string, value: (param: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, p) => encodeURIComponent(value(p)));
}
