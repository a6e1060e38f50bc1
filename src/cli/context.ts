/**
 * How CLI commands reach the system: over HTTP to a running server
 * (`--server`, BAOGONG_URL, default http://127.0.0.1:8080), or, when none answers,
 * in-process on the local database (BAOGONG_DATA / DATABASE_URL) through the same
 * routes. Either way the same validation and errors apply.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exitCodeFor } from '../api/errors.ts';

export interface ApiResponse {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export interface CallOptions {
  body?: unknown;
  rawBody?: Buffer | string;
  contentType?: string;
  idempotencyKey?: string;
}

export interface CliContext {
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  /** Calls and exits with a clear message on an error status; returns the body. */
  request(method: string, path: string, options?: CallOptions): Promise<any>;
  print(value: unknown, opts: { json?: boolean; table?: (v: any) => string }): void;
  close(): Promise<void>;
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export function serverUrl(program: Command): string {
  return (program.opts().server as string | undefined) ?? process.env.BAOGONG_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`;
}

export function createCliContext(program: Command): CliContext {
  let local: { inject: (o: any) => Promise<any>; close: () => Promise<void> } | null = null;
  let mode: 'http' | 'local' | null = null;
  const baseUrl = () => serverUrl(program);
  const token = () => (program.opts().token as string | undefined) ?? process.env.BAOGONG_TOKEN ?? savedToken();

  async function viaHttp(method: string, path: string, o: CallOptions): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    let body: BodyInit | undefined;
    if (o.rawBody !== undefined) {
      body = typeof o.rawBody === 'string' ? o.rawBody : new Uint8Array(o.rawBody);
      headers['content-type'] = o.contentType ?? 'application/octet-stream';
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
    if (token()) headers.authorization = `Bearer ${token()}`;
    const res = await fetch(baseUrl() + path, { method, headers, body });
    const raw = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: Object.fromEntries([...(res.headers as any).entries()]), raw, body: parseBody(raw, res.headers.get('content-type')) };
  }

  async function viaLocal(method: string, path: string, o: CallOptions): Promise<ApiResponse> {
    if (!local) {
      const { openService } = await import('../app.ts');
      const { FolderLockedError } = await import('../store/lock.ts');
      let svc: Awaited<ReturnType<typeof openService>>;
      try {
        // The folder lock refuses here when a server (or another command) holds the folder:
        // two processes in one PGlite folder lose writes, so we never fall back silently.
        svc = await openService({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.BAOGONG_DATA ?? './baogong-data', auth: false, purpose: 'cli' });
      } catch (e) {
        if (e instanceof FolderLockedError) throw new CliError(`no Baogong server answers at ${baseUrl()}, and ${e.message}`, 3);
        throw e;
      }
      local = { inject: (x) => svc.app.inject(x), close: () => svc.close() };
    }
    const headers: Record<string, string> = {};
    let payload: any;
    if (o.rawBody !== undefined) {
      payload = o.rawBody;
      headers['content-type'] = o.contentType ?? 'application/octet-stream';
    } else if (o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
    if (token()) headers.authorization = `Bearer ${token()}`;
    const res = await local.inject({ method, url: path, headers, payload });
    const raw = res.rawPayload as Buffer;
    return { status: res.statusCode, headers: res.headers, raw, body: parseBody(raw, String(res.headers['content-type'] ?? '')) };
  }

  const ctx: CliContext = {
    async call(method, path, o = {}) {
      if (mode === null) {
        const explicit = program.opts().server || process.env.BAOGONG_URL;
        try {
          const res = await viaHttp(method, path, o);
          mode = 'http';
          return res;
        } catch (e) {
          if (explicit) throw new CliError(`cannot reach the Baogong server at ${baseUrl()}: ${(e as Error).message}. Start it with 'baogong serve'.`, 3);
          mode = 'local';
        }
      }
      return mode === 'http' ? viaHttp(method, path, o) : viaLocal(method, path, o);
    },
    async request(method, path, o = {}) {
      const res = await ctx.call(method, path, o);
      if (res.status >= 400) {
        const b = res.body ?? {};
        const parts = [`error ${res.status} ${b.code ?? ''}: ${b.message ?? res.raw.toString('utf8').slice(0, 500)}`];
        if (b.field !== undefined) parts.push(`  field:    ${b.field}`);
        if (b.expected !== undefined) parts.push(`  expected: ${JSON.stringify(b.expected)}`);
        if (b.actual !== undefined) parts.push(`  actual:   ${JSON.stringify(b.actual)}`);
        if (Array.isArray(b.errors)) for (const e of b.errors.slice(0, 20)) parts.push(`  row ${e.row}, column ${e.column}: ${e.message} (expected ${JSON.stringify(e.expected)}, actual ${JSON.stringify(e.actual)})`);
        throw new CliError(parts.join('\n'), exitCodeFor(b.code ?? ''));
      }
      return res.body;
    },
    print(value, opts) {
      if (opts.json || !opts.table) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
      else process.stdout.write(opts.table(value) + '\n');
    },
    async close() {
      if (local) await local.close();
    },
  };
  return ctx;
}

/** The token `baogong login` saved, if any (~/.baogong/token). */
export function tokenFile(): string {
  return `${process.env.HOME ?? '.'}/.baogong/token`;
}

function savedToken(): string | undefined {
  try {
    return readFileSync(tokenFile(), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseBody(raw: Buffer, contentType: string | null): any {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return null;
    }
  }
  return null;
}

/** A fixed-width text table from rows of values. */
export function textTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  return cells.map((r, ri) => {
    const line = r.map((c, i) => c + ' '.repeat(Math.max(0, widths[i] - width(c)))).join('  ');
    return ri === 0 ? line + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : line;
  }).join('\n');
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export function readFileArg(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, 2);
  }
}

/** Writes a file the user named (an export), with a one-line error instead of a stack trace. */
export function writeFileArg(file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(file, data);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EISDIR' ? 'it is a folder' : err.message;
    throw new CliError(`error: cannot write ${file}: ${why}. Nothing was written; choose another path.`, 2);
  }
}

/**
 * The network's time zone: the Yizhuang network runs on Beijing time, whatever the zone
 * of the machine the CLI runs on. BAOGONG_TIME_ZONE overrides it for another network.
 */
export function networkTimeZone(): string {
  return process.env.BAOGONG_TIME_ZONE || 'Asia/Shanghai';
}

/** An instant as wall time in the network's zone, e.g. `2026-12-05 21:47 (UTC+8)`. */
export function localTime(isoOrDate: string | Date | null | undefined): string {
  if (isoOrDate === null || isoOrDate === undefined || isoOrDate === '') return '—';
  const d = typeof isoOrDate === 'string' ? new Date(isoOrDate) : isoOrDate;
  if (Number.isNaN(d.getTime())) return String(isoOrDate);
  const zone = networkTimeZone();
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const offset = (parts.timeZoneName ?? '').replace('GMT', 'UTC') || 'UTC';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${offset})`;
}
