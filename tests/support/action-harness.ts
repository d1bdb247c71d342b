/**
 * Calls server actions and route handlers the way Next would for one HTTP request, without a
 * server: the request's Host, headers and cookies are what `headers()`/`cookies()` from
 * next/headers answer, Auth.js reads real session cookies (minted here from real auth_sessions
 * rows), and redirect()/notFound()/forbidden() from next/navigation are the real ones.
 *
 * Setup, in the test file (vi.mock is hoisted, so the factories load the harness lazily):
 *
 *   vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
 *   vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
 *   vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());
 *   // import app modules after this point, e.g. `const actions = await import('@/app/...')`.
 *
 * API:
 *   hostFor(slug)                     'sunrise.localhost:3000': a clinic's subdomain host.
 *   signIn(kind, session)             Creates a session row ({ tenantId, subjectId,
 *                                     selectedPatientId? }) and returns { sessionId, cookies }.
 *   sessionCookie(kind, sessionId)    The Auth.js cookie for an existing session row.
 *   formData({ name: value | File | string[] })
 *   invokeAction(req, action, ...args)   -> Outcome   (req: RequestSpec)
 *   invokeRoute(req, handler, { method?, path, params?, body?, headers? }) -> Outcome
 *   withRequest(req, fn)              Runs fn with req as the current request (for lib code).
 *   isRefusal(outcome)                Sign-in/select-patient redirect, 401/403/404, or a thrown
 *                                     NotFoundError/ForbiddenError (lib/access/context.ts).
 *   describeOutcome(outcome)          One line for failure messages.
 *   snapshotTenants([tenantId])       Every row of those clinics (each table with a tenant_id),
 *                                     the clinic rows and the success audit entries (theirs and the platform's).
 *   fingerprintTenants([tenantId])    One md5 of the same rows: a cheap "did anything change?".
 *   diffSnapshots(before, after)      What a call added, removed or changed (with the columns).
 *
 * An Outcome never throws for what Next turns into a response: redirect, not-found and
 * forbidden are outcomes; any other throw is `{ kind: 'threw' }` (a 500 in production).
 * Each invocation gets a fresh request state; cookies an action sets are in `outcome.cookies`.
 * next-auth is replaced by a thin stand-in (the package's ESM imports `next/server` without an
 * extension, which Node cannot resolve outside Next's bundler); the app reads its session cookies
 * with `next-auth/jwt`'s real decode (lib/auth/session-token.ts), so they are checked for real.
 * `after()` (next/server) is left real: it throws outside Next and dispatchSoon() swallows that.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { encode } from '@auth/core/jwt';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { SessionKind } from '@/db/schema';
import { AUTH_POLICY, sessionCookieName } from '@/lib/auth/policy';
import { createOperatorSession } from '@/lib/auth/operator-store';
import { createSession } from '@/lib/auth/session-store';
import { platformRootDomain, requiredSecret } from '@/lib/config/env';
import { clientAddress, CLIENT_IP_HEADER } from '@/lib/http/client-address';

// next.config.ts sets experimental.authInterrupts; the build passes it on as this variable.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS ??= 'true';

export interface RequestSpec {
  /** The Host header, e.g. hostFor('sunrise'). */
  host: string;
  cookies?: Record<string, string>;
  /** Extra request headers (x-forwarded-host, x-middleware-subrequest, user-agent, ...). */
  headers?: Record<string, string>;
  /** The path the browser shows, for x-carebridge-pathname (as middleware sets it). */
  path?: string;
}

interface RequestState {
  headers: Headers;
  jar: Map<string, string>;
  setCookies: Map<string, string | null>;
  revalidated: string[];
}

const storage = new AsyncLocalStorage<RequestState>();

function stateFor(req: RequestSpec): RequestState {
  const jar = new Map(Object.entries(req.cookies ?? {}));
  const headers = new Headers(req.headers ?? {});
  headers.set('host', req.host);
  headers.set('x-carebridge-pathname', req.path ?? '/');
  // As middleware would behind one trusted proxy (TRUSTED_PROXY_HOPS=1): a test's
  // x-forwarded-for is the address that proxy saw.
  const ip = clientAddress(headers, null, { trustedProxyHops: 1, onVercel: false });
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  if (!headers.has('user-agent')) headers.set('user-agent', 'action-harness');
  return { headers, jar, setCookies: new Map(), revalidated: [] };
}

function current(api: string): RequestState {
  const state = storage.getStore();
  // As Next does: these APIs have no meaning outside a request.
  if (!state) throw new Error(`\`${api}\` was called outside a request scope (action-harness)`);
  return state;
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The module next/headers is replaced with. */
export function nextHeadersMock() {
  return {
    headers: async () => {
      const state = current('headers');
      const h = new Headers(state.headers);
      if (state.jar.size) h.set('cookie', cookieHeader(state.jar));
      return h;
    },
    cookies: async () => {
      const state = current('cookies');
      const entry = (name: string) => (state.jar.has(name) ? { name, value: state.jar.get(name)! } : undefined);
      const store = {
        get: (name: string | { name: string }) => entry(typeof name === 'string' ? name : name.name),
        getAll: () => [...state.jar].map(([name, value]) => ({ name, value })),
        has: (name: string) => state.jar.has(name),
        set: (nameOrCookie: string | { name: string; value: string }, value?: string) => {
          const name = typeof nameOrCookie === 'string' ? nameOrCookie : nameOrCookie.name;
          const v = typeof nameOrCookie === 'string' ? (value ?? '') : nameOrCookie.value;
          state.jar.set(name, v);
          state.setCookies.set(name, v);
          return store;
        },
        delete: (name: string | { name: string }) => {
          const n = typeof name === 'string' ? name : name.name;
          state.jar.delete(n);
          state.setCookies.set(n, null);
          return store;
        },
        get size() { return state.jar.size; },
        toString: () => cookieHeader(state.jar),
      };
      return store;
    },
    draftMode: async () => ({ isEnabled: false, enable() {}, disable() {} }),
  };
}

/** The module next/cache is replaced with: no data cache, revalidation recorded. */
export function nextCacheMock(real: object = {}) {
  const record = (what: string) => { storage.getStore()?.revalidated.push(what); };
  return {
    ...real,
    unstable_cache: <T extends (...args: never[]) => unknown>(fn: T) => fn,
    revalidatePath: (path: string) => record(`path:${path}`),
    revalidateTag: (tag: string) => record(`tag:${tag}`),
    updateTag: (tag: string) => record(`tag:${tag}`),
    refresh: () => record('refresh'),
    unstable_noStore: () => {},
    io: async () => {},
    cacheTag: () => {},
    cacheLife: () => {},
  };
}

type AuthConfig = import('@auth/core').AuthConfig;

/**
 * The module next-auth is replaced with: NextAuth(config) -> { signIn, signOut, handlers }.
 * signOut drops the session cookie; signIn is never reached by a caller without a verified
 * challenge, so it refuses loudly. (The app never calls auth(): see lib/auth/session-token.ts.)
 */
export function nextAuthMock() {
  const NextAuth = (configOrFn: AuthConfig | ((req: undefined) => AuthConfig | Promise<AuthConfig>)) => {
    const config = async () => (typeof configOrFn === 'function' ? await configOrFn(undefined) : configOrFn);
    const sessionCookieName = async () => (await config()).cookies?.sessionToken?.name ?? 'authjs.session-token';
    return {
      signIn: async () => {
        throw new Error('signIn() is not available in the action harness');
      },
      signOut: async () => {
        const name = await sessionCookieName();
        (await nextHeadersMock().cookies()).delete(name);
      },
      handlers: {
        GET: async () => new Response('Not found', { status: 404 }),
        POST: async () => new Response('Not found', { status: 404 }),
      },
    };
  };
  return { default: NextAuth, AuthError: class AuthError extends Error {} };
}

export function hostFor(slug: string, port = 3000): string {
  return `${slug}.${platformRootDomain()}:${port}`;
}

export function cookieName(kind: SessionKind): string {
  return sessionCookieName(kind);
}

/** The cookie Auth.js would have set after sign-in: an encrypted JWT carrying the session id. */
export async function sessionCookie(kind: SessionKind, sessionId: string): Promise<Record<string, string>> {
  const name = cookieName(kind);
  const value = await encode({
    token: { sid: sessionId, sub: sessionId },
    secret: requiredSecret('AUTH_SECRET'),
    salt: name,
    maxAge: AUTH_POLICY.absoluteSessionSeconds,
  });
  return { [name]: value };
}

/** A real session row (as sign-in makes: auth_sessions, or operator_sessions for 'operator') and its cookie. */
export async function signIn(
  kind: SessionKind,
  session: { tenantId: string | null; subjectId: string; selectedPatientId?: string | null },
): Promise<{ sessionId: string; cookies: Record<string, string> }> {
  const client = { idleTimeoutSeconds: 24 * 3600, ip: '203.0.113.9', userAgent: 'action-harness' };
  let sessionId: string;
  if (kind === 'operator') {
    sessionId = (await createOperatorSession(getDb(), { operatorId: session.subjectId, ...client })).id;
  } else {
    if (!session.tenantId) throw new Error(`a ${kind} session belongs to a clinic: pass its tenantId`);
    sessionId = (await createSession(getDb(), { ...session, tenantId: session.tenantId, kind, ...client })).id;
  }
  return { sessionId, cookies: await sessionCookie(kind, sessionId) };
}

export function formData(fields: Record<string, string | File | Blob | readonly string[] | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) form.append(name, v);
    else form.append(name, value as string | Blob);
  }
  return form;
}

export type Outcome = (
  | { kind: 'returned'; value: unknown }
  | { kind: 'redirect'; location: string }
  | { kind: 'not-found' }
  | { kind: 'forbidden' }
  | { kind: 'unauthorized' }
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'threw'; error: unknown }
) & { cookies: Map<string, string | null>; revalidated: string[] };

type Interrupt = { kind: 'redirect'; location: string } | { kind: 'not-found' | 'forbidden' | 'unauthorized' };

/** Next's control-flow errors carry a digest: NEXT_REDIRECT;type;url;status; / NEXT_HTTP_ERROR_FALLBACK;404. */
export function nextInterrupt(error: unknown): Interrupt | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== 'string') return null;
  if (digest.startsWith('NEXT_REDIRECT;')) return { kind: 'redirect', location: digest.split(';')[2] ?? '' };
  if (digest === 'NEXT_HTTP_ERROR_FALLBACK;404' || digest === 'NEXT_NOT_FOUND') return { kind: 'not-found' };
  if (digest === 'NEXT_HTTP_ERROR_FALLBACK;403') return { kind: 'forbidden' };
  if (digest === 'NEXT_HTTP_ERROR_FALLBACK;401') return { kind: 'unauthorized' };
  return null;
}

export function withRequest<T>(req: RequestSpec, fn: () => Promise<T>): Promise<T> {
  return storage.run(stateFor(req), fn);
}

async function run(state: RequestState, call: () => Promise<Omit<Outcome, 'cookies' | 'revalidated'>>): Promise<Outcome> {
  const base = await storage.run(state, async () => {
    try {
      return await call();
    } catch (error) {
      return nextInterrupt(error) ?? { kind: 'threw' as const, error };
    }
  });
  return { ...base, cookies: state.setCookies, revalidated: state.revalidated } as Outcome;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAction = (...args: any[]) => unknown;

/** Calls a server action as a POST from the page at req.path would. */
export function invokeAction<A extends AnyAction>(req: RequestSpec, action: A, ...args: Parameters<A>): Promise<Outcome> {
  return run(stateFor(req), async () => ({ kind: 'returned', value: await action(...args) }));
}

export interface RouteCall {
  method?: string;
  /** Path and query as the browser sends it, e.g. `/api/documents/${id}/download?view=1`. */
  path: string;
  params?: Record<string, string>;
  body?: BodyInit | null;
  headers?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RouteHandler = (request: any, context: any) => unknown;

/** Calls a route handler with a Request for req's host; the body is read (as text) and kept. */
export function invokeRoute(req: RequestSpec, handler: RouteHandler, call: RouteCall): Promise<Outcome> {
  const state = stateFor({ ...req, path: call.path.split('?')[0], headers: { ...req.headers, ...call.headers } });
  const headers = new Headers(state.headers);
  if (state.jar.size) headers.set('cookie', cookieHeader(state.jar));
  const method = call.method ?? 'GET';
  const request = new Request(`http://${req.host}${call.path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : (call.body ?? null),
    ...(call.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return run(state, async () => {
    const response = (await handler(request, { params: Promise.resolve(call.params ?? {}) })) as Response;
    return { kind: 'response', status: response.status, headers: response.headers, body: await response.text() };
  });
}

/**
 * Refused: a sign-in or select-patient redirect, a 401/403/404 of any kind, or the app's own
 * NotFoundError/ForbiddenError escaping (a refusal, though Next would answer it with a 500).
 */
export function isRefusal(outcome: Outcome): boolean {
  switch (outcome.kind) {
    case 'not-found': case 'forbidden': case 'unauthorized': return true;
    case 'threw': return isAccessError(outcome.error);
    case 'redirect': return /\/(sign-in|select-patient)(\?|$)/.test(outcome.location);
    case 'response': return outcome.status === 401 || outcome.status === 403 || outcome.status === 404;
    default: return false;
  }
}

/** lib/access/context.ts's NotFoundError and ForbiddenError (by name: no import of app code here). */
export function isAccessError(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'NotFoundError' || name === 'ForbiddenError';
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'returned': return `returned ${safeJson(outcome.value).slice(0, 300)}`;
    case 'redirect': return `redirect ${outcome.location}`;
    case 'response': return `HTTP ${outcome.status} ${outcome.body.slice(0, 200)}`;
    case 'threw': {
      const e = outcome.error as Error;
      return `threw ${e?.name ?? typeof e}: ${e?.message ?? String(e)}`;
    }
    default: return outcome.kind;
  }
}

/** JSON for whatever an action returns (Dates, Maps, Sets, bigints included). */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      return v;
    }) ?? 'undefined';
  } catch {
    return String(value);
  }
}

export type Snapshot = Map<string, string>;

export interface RowChange {
  /** 'table:row id' (link tables without an id: their *_id columns joined). */
  key: string;
  kind: 'added' | 'removed' | 'changed';
  /** The row as JSON (for 'changed': the changed columns, then the new row), for messages. */
  row: string;
  /** The row before and after the call, as JSON (one of them is undefined for added/removed). */
  before?: string;
  after?: string;
  columns: string[];
}

const snapshotQueries = new Map<string, { sql: string; digest: string }>();

const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

async function snapshotQuery(tenantIds: readonly string[]): Promise<{ sql: string; digest: string }> {
  const cacheKey = [...tenantIds].sort().join(',');
  const cached = snapshotQueries.get(cacheKey);
  if (cached) return cached;
  const tables = rowsOf<{ table_name: string }>(await getDb().execute(sql`
    select distinct table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'tenant_id' and table_name not in ('audit_log', 'rate_limits')
    order by table_name`)).map((r) => r.table_name);
  const list = tenantIds.map((id) => {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a tenant id: ${id}`);
    return `'${id}'`;
  }).join(', ');
  const union = [
    ...tables.map((t) => `select '${t}' as t, to_jsonb(x)::text as r from "${t}" x where x.tenant_id in (${list})`),
    `select 'tenants' as t, to_jsonb(x)::text as r from tenants x`,
    `select 'audit_log' as t, to_jsonb(x)::text as r from audit_log x where x.outcome = 'success' and x.tenant_id in (${list})`,
    `select 'platform_audit_log' as t, to_jsonb(x)::text as r from platform_audit_log x where x.outcome = 'success'`,
  ].join(' union all ');
  const query = { sql: union, digest: `select md5(string_agg(t || r, '|' order by t, r)) as digest from (${union}) u` };
  snapshotQueries.set(cacheKey, query);
  return query;
}

/** One hash of everything snapshotTenants() would return: equal hashes, nothing changed. */
export async function fingerprintTenants(tenantIds: readonly string[]): Promise<string> {
  const [row] = rowsOf<{ digest: string | null }>(await getDb().execute(sql.raw((await snapshotQuery(tenantIds)).digest)));
  return row?.digest ?? '';
}

/**
 * Every row of the given clinics, as JSON, keyed by table and id: each table with a tenant_id
 * (rate_limits aside), every clinic row, and the success entries of the audit log for them and
 * for the platform (refusals and failures are logged by design and left out). One query.
 */
export async function snapshotTenants(tenantIds: readonly string[]): Promise<Snapshot> {
  const query = await snapshotQuery(tenantIds);
  const snapshot: Snapshot = new Map();
  for (const { t, r } of rowsOf<{ t: string; r: string }>(await getDb().execute(sql.raw(query.sql)))) {
    const row = JSON.parse(r) as Record<string, unknown>;
    const id = row.id ?? (Object.keys(row).filter((k) => k.endsWith('_id')).sort().map((k) => row[k]).join('/') || r);
    snapshot.set(`${t}:${String(id)}`, r);
  }
  return snapshot;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): RowChange[] {
  const changes: RowChange[] = [];
  for (const [key, row] of before) {
    const now = after.get(key);
    if (now === undefined) changes.push({ key, kind: 'removed', row, before: row, columns: [] });
    else if (now !== row) {
      const a = JSON.parse(row) as Record<string, unknown>;
      const b = JSON.parse(now) as Record<string, unknown>;
      const columns = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      changes.push({ key, kind: 'changed', row: `${columns.join(',')}: ${now}`, before: row, after: now, columns });
    }
  }
  for (const [key, row] of after) if (!before.has(key)) changes.push({ key, kind: 'added', row, after: row, columns: [] });
  return changes;
}
