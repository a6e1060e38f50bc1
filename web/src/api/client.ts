/**
 * The command centre's HTTP client. Every call goes to the same origin that served
 * the page. The session lives in the HttpOnly `bg_session` cookie that sign-in sets
 * (mode "cookie"): script never sees the token. Writes echo the readable `bg_csrf`
 * cookie in the X-CSRF-Token header (another site can make the browser send the
 * cookie, not the header). Only the username is remembered in localStorage, to
 * show who is signed in. Writes also carry an Idempotency-Key so a
 * retried click never applies twice. Errors keep the server's body
 * ({code, message, field, expected, actual}) so screens can show what was wrong.
 *
 * Every path the app calls is listed in `API_OPERATIONS` (./operations.ts); a test
 * checks each one against the server's /openapi.json, and web/src/api/schema.ts is
 * generated from the same document for the request and response types (./contract.ts).
 */

/**
 * The server's error shape (components.schemas.Error of the generated schema), every field
 * optional: a proxy or a crashed server may answer without one.
 */
export type ApiErrorBody = Partial<components['schemas']['Error']>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
  /** The route is not there: that part of the platform is not installed (yet). */
  get notAvailable(): boolean {
    return this.status === 404 && this.body.field === 'url' && /^no route /.test(this.body.message ?? '');
  }
}

const USER_KEY = 'baogong.user';
/** A session token left in localStorage by an older version of the app: removed on load. */
const LEGACY_TOKEN_KEY = 'baogong.token';
try {
  localStorage.removeItem(LEGACY_TOKEN_KEY);
} catch {
  // storage unavailable: nothing to clean
}

/** The CSRF token the server set in the readable bg_csrf cookie at sign-in. */
function csrfToken(): string | null {
  const m = document.cookie.match(/(?:^|;\s*)bg_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

export const session = {
  user(): string | null {
    return localStorage.getItem(USER_KEY);
  },
  set(user: string) {
    localStorage.setItem(USER_KEY, user);
  },
  clear() {
    localStorage.removeItem(USER_KEY);
  },
  signedIn(): boolean {
    return localStorage.getItem(USER_KEY) !== null;
  },
};

/** Called when the server answers 401: the app goes back to the sign-in screen. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

import type { Method, PathFor } from './operations.ts';
import type { components } from './schema.ts';
import type { BodyOf, ResponseOf } from './contract.ts';

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Fills `{name}` placeholders of an OpenAPI path. */
export function fillPath(path: string, params?: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`path ${path} needs parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

export interface RequestOptions {
  params?: Record<string, string | number>;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Skip the 401 → sign-in redirect (the sign-in call itself). */
  anonymous?: boolean;
}

/**
 * Reads that index.html starts with `<link rel="preload" as="fetch">` while the scripts are
 * still downloading (on a slow phone, one round trip less before the first screen).
 * Chromium hands a preloaded response to the first matching fetch, however late, so the app
 * takes each one at start (`takePreloads`, from main.tsx) and its first GET of the path gets
 * the answer; an answer not asked for within a few seconds is dropped (it would be stale),
 * and a signed-out start takes it too, so no fetch after sign-in ever receives its 401.
 */
const PRELOADED_PATHS = ['/api/nodes'] as const;
const PRELOAD_FRESH_MS = 10_000;
const preloaded = new Map<string, { atMs: number; response: Promise<Response> }>();

export function takePreloads(): void {
  for (const path of PRELOADED_PATHS) {
    const response = fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    response.catch(() => {});
    // Signed out at start, the answer is a 401 from before sign-in: taken (drained), never used.
    if (session.signedIn()) preloaded.set(path, { atMs: Date.now(), response });
  }
}

export async function request<T, M extends Method = Method>(method: M, path: PathFor<M>, opts: RequestOptions = {}): Promise<T> {
  const early = method === 'GET' && !opts.query && !opts.params ? preloaded.get(path as string) : undefined;
  if (early) preloaded.delete(path as string);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    headers['idempotency-key'] = crypto.randomUUID();
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  const res =
    early && Date.now() - early.atMs < PRELOAD_FRESH_MS
      ? await early.response
      : await fetch(withQuery(fillPath(path as string, opts.params), opts.query), {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: opts.signal,
          credentials: 'same-origin',
        });
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.anonymous) onUnauthorized();
    throw new ApiError(res.status, (data ?? {}) as ApiErrorBody);
  }
  return data as T;
}

/** Typed by path: only operations listed in ./operations.ts compile. */
export const api = {
  get: <T>(path: PathFor<'GET'>, opts?: RequestOptions) => request<T, 'GET'>('GET', path, opts),
  post: <T>(path: PathFor<'POST'>, body?: unknown, opts?: RequestOptions) => request<T, 'POST'>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: PathFor<'PUT'>, body?: unknown, opts?: RequestOptions) => request<T, 'PUT'>('PUT', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: PathFor<'PATCH'>, body?: unknown, opts?: RequestOptions) => request<T, 'PATCH'>('PATCH', path, { ...opts, body: body ?? {} }),
  del: <T>(path: PathFor<'DELETE'>, opts?: RequestOptions) => request<T, 'DELETE'>('DELETE', path, opts),
};

/** Signs in. Answers 'disabled' when the server has no auth route (404). */
export async function signIn(username: string, password: string): Promise<'ok' | 'disabled'> {
  try {
    const body: BodyOf<'/api/auth/login', 'post'> = { username, password, mode: 'cookie' };
    await request<ResponseOf<'/api/auth/login', 'post'>, 'POST'>('POST', '/api/auth/login', { body, anonymous: true });
    session.set(username);
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.notAvailable) {
      session.set(username || 'guest');
      return 'disabled';
    }
    throw e;
  }
}

export async function signOut(): Promise<void> {
  try {
    if (csrfToken()) await request<unknown, 'POST'>('POST', '/api/auth/logout', { body: {} });
  } catch {
    // Signing out locally is enough when the server cannot be reached.
  }
  session.clear();
}
