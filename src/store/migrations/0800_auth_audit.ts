// Users, their sessions and API tokens (stored as hashes), and the append-only audit log.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id text PRIMARY KEY,
      username text NOT NULL UNIQUE,
      display_name text NOT NULL DEFAULT '',
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin','planner','node_manager','dispatcher','counter','viewer')),
      node_ids text[] NOT NULL DEFAULT '{}',
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE auth_tokens (
      token_hash text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('session','api')),
      name text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX auth_tokens_user ON auth_tokens(user_id)`.execute(db);
  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      user_id text,
      username text NOT NULL,
      role text NOT NULL,
      method text NOT NULL,
      route text NOT NULL,
      url text NOT NULL,
      request_id text NOT NULL,
      status_code integer NOT NULL,
      reason text NOT NULL DEFAULT '',
      params jsonb,
      before jsonb,
      after jsonb,
      ip text NOT NULL DEFAULT ''
    )`.execute(db);
  await sql`CREATE INDEX audit_log_at ON audit_log(at)`.execute(db);
  await sql`CREATE INDEX audit_log_user ON audit_log(username, at)`.execute(db);
  // The audit log cannot be edited: not through the API (no route), and not by SQL.
  await sql`
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`.execute(db);
}
