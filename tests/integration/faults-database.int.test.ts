import { eq, sql } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { getDatabaseHandle, openDatabase, setDatabaseHandle, type DatabaseHandle } from '@/db/client';
import { tenants } from '@/db/schema';
import { forgetResolvedHosts } from '@/lib/tenancy/resolve-tenant';
import { middleware } from '@/middleware';
import { TcpProxy } from '../support/fault-servers';
import { createTestTenant } from '../support/factories';
import { testServerUrl, withDatabaseName } from '../support/test-database';

/**
 * The database goes away mid-run and comes back. The real PostgreSQL keeps running (other work
 * uses it): the app's client talks to it through a TCP proxy, and cutting the proxy is the
 * outage as the app sees it (refused connections, dropped sockets). Nothing is restarted to
 * recover: the same handle must work again once the proxy is back.
 * Needs Postgres over TCP, so it is skipped on PGlite.
 */

const serverUrl = testServerUrl();

/** Rejects when `promise` takes longer than `ms` (the promise itself keeps running). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One round trip on `handle` (postgres.js: the result is the row array). */
async function answers(handle: DatabaseHandle): Promise<boolean> {
  const rows = (await handle.db.execute(sql`select 1 as one`)) as unknown as unknown[];
  return rows.length === 1;
}

/** Polls until `check` passes, for at most `ms`. */
async function eventually(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await within(500, check()).catch(() => false)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not recovered within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!serverUrl)('database outage', () => {
  let original: DatabaseHandle;
  let proxy: TcpProxy;
  let databaseUrl: URL;
  const opened: DatabaseHandle[] = [];
  let host: string;
  let slug: string;

  /** The app's client, configured as the app configures it, but connected through the proxy. */
  function proxiedHandle(): DatabaseHandle {
    const handle = openDatabase({ url: databaseUrl.toString(), maxConnections: 2 });
    opened.push(handle);
    setDatabaseHandle(handle);
    return handle;
  }

  beforeAll(async () => {
    original = getDatabaseHandle();
    const clinic = await createTestTenant();
    slug = clinic.slug;
    host = `${clinic.slug}.localhost`;
    const [row] = (await original.db.execute(sql`select current_database() as name`)) as unknown as { name: string }[];
    const target = new URL(serverUrl!);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    databaseUrl = new URL(withDatabaseName(serverUrl!, row!.name));
    databaseUrl.host = proxy.url;
  });

  afterEach(async () => {
    await proxy.restore();
    forgetResolvedHosts();
  });

  afterAll(async () => {
    setDatabaseHandle(original);
    await proxy.restore();
    // A pool still waiting out its reconnect backoff (the sustained-outage cases) is left to
    // end on its own rather than holding the run for its close timeout.
    await Promise.all(opened.map((h) => within(1_000, h.close()).catch(() => {})));
    await proxy.cut();
  });

  async function healthNow() {
    const response = await health();
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  /** The middleware with a cold tenant memo, as on the first request of a fresh instance. */
  async function route(path = '/portal') {
    forgetResolvedHosts();
    const response = await middleware(new NextRequest(`http://${host}${path}`, { headers: { host } }));
    const rewrite = response.headers.get('x-middleware-rewrite');
    return { response, target: rewrite ? new URL(rewrite).pathname : null };
  }

  describe('/api/health', () => {
    it('answers 200, then 503 with the reason while the database is unreachable, then 200 again on its own', async () => {
      const handle = proxiedHandle();
      expect(await healthNow()).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });

      await proxy.cut();
      const down = await healthNow();
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'error', database: 'unavailable', reason: 'database unreachable' });
      expect(down.headers.get('cache-control')).toBe('no-store');
      expect(down.headers.get('retry-after')).toBe('5');
      // Nothing about the connection (host, port, user, database name) leaks into the answer.
      expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|postgres|cb_test_|ECONN/);

      await proxy.restore();
      await eventually(2_000, async () => (await health()).status === 200);
      expect(await healthNow()).toMatchObject({ status: 200, body: { status: 'ok' } });
      // The same handle recovered: nothing was reopened.
      expect(getDatabaseHandle()).toBe(handle);
    });

    it('says the database did not answer when it hangs, and recovers when it answers again', async () => {
      proxiedHandle();
      expect((await healthNow()).status).toBe(200);

      // A hung server or network: connections are accepted and never answered.
      await proxy.cut();
      await proxy.restore();
      proxy.mode = 'blackhole';
      // Let the pool see its dropped connections first: a query sent on one fails at once.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      const hung = await healthNow();
      expect(hung.status).toBe(503);
      expect(hung.body).toMatchObject({ database: 'unavailable', reason: 'database did not answer within 3 seconds' });
      expect(Date.now() - started).toBeLessThan(4_500);

      await proxy.restore();
      await eventually(3_000, async () => (await health()).status === 200);
    });
  });

  describe('middleware', () => {
    it('routes to the clinic, to /service-unavailable while the database is unreachable, and to the clinic again after', async () => {
      proxiedHandle();
      expect((await route()).target).toBe(`/t/${slug}/portal`);

      await proxy.cut();
      const down = await route('/portal/documents?q=x');
      expect(down.target).toBe('/service-unavailable');
      // Still a page response: the per-request CSP, and never stored.
      expect(down.response.headers.get('cache-control')).toBe('private, no-store, max-age=0');
      expect(down.response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

      await proxy.restore();
      await eventually(2_000, async () => (await route()).target === `/t/${slug}/portal`);
    });

    it('a warm tenant memo keeps routing to the clinic during a short outage (pages then need their own 503)', async () => {
      proxiedHandle();
      forgetResolvedHosts();
      await middleware(new NextRequest(`http://${host}/portal`, { headers: { host } }));
      await proxy.cut();
      const response = await middleware(new NextRequest(`http://${host}/portal`, { headers: { host } }));
      expect(new URL(response.headers.get('x-middleware-rewrite')!).pathname).toBe(`/t/${slug}/portal`);
    });

    // A rewrite keeps the status of the middleware's response (Next copies it onto the page's
    // response), so the friendly page is served as a 503 with Retry-After.
    it('answers the /service-unavailable rewrite with status 503 and Retry-After', async () => {
      proxiedHandle();
      await proxy.cut();
      const down = await route();
      expect(down.target).toBe('/service-unavailable');
      expect(down.response.status).toBe(503);
      expect(down.response.headers.get('retry-after')).not.toBeNull();
    });
  });

  describe('the connection pool', () => {
    it('is not poisoned by queries cut mid-flight: they fail, and the pool serves new ones on new connections', async () => {
      const handle = proxiedHandle();
      // Warm both connections and their prepared statements.
      await Promise.all([1, 2].map(() => handle.db.select().from(tenants).where(eq(tenants.slug, slug))));
      const before = proxy.accepted;

      const inFlight = [1, 2].map(() => Promise.resolve(handle.db.execute(sql`select pg_sleep(5)`)));
      for (const query of inFlight) query.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
      await proxy.cut();
      for (const query of inFlight) await expect(within(2_000, query)).rejects.toThrow();

      await proxy.restore();
      await eventually(2_000, () => answers(handle));
      // More queries than connections, with prepared statements re-created on the new connections.
      const results = await within(2_000, Promise.all(Array.from({ length: 8 }, () => handle.db.select().from(tenants).where(eq(tenants.slug, slug)))));
      expect(results.every((rows) => rows.length === 1)).toBe(true);
      expect(proxy.accepted).toBeGreaterThan(before);
    });

    /**
     * A transaction whose connection drops mid-way. Uncaught exceptions are logged, not fatal,
     * as under `next start` (next/dist/server/node-environment-extensions/process-error-handlers).
     */
    async function cutTransaction() {
      const handle = proxiedHandle();
      const name = `outage-${Date.now()}`;
      const uncaught: string[] = [];
      const saved = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.on('uncaughtException', (error) => uncaught.push(String(error)));
      try {
        await handle.db.execute(sql`select 1`);
        const transaction = Promise.resolve(handle.db.transaction(async (tx) => {
          await tx.insert(tenants).values({ slug: name, name });
          await tx.execute(sql`select pg_sleep(5)`);
        }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await proxy.cut();
        const failed = await within(2_000, transaction).then(() => false, () => true);
        await proxy.restore();
        await eventually(3_000, () => answers(handle));
        await within(2_000, Promise.resolve(handle.db.transaction((tx) => tx.execute(sql`select 1`))));
        // Read on a connection that never went through the proxy.
        const written = await original.db.select().from(tenants).where(eq(tenants.slug, name));
        return { failed, written, uncaught };
      } finally {
        process.removeAllListeners('uncaughtException');
        for (const listener of saved) process.on('uncaughtException', listener);
      }
    }

    it('a transaction cut mid-way fails, commits nothing, and the pool serves transactions again', async () => {
      const { failed, written } = await cutTransaction();
      expect(failed).toBe(true);
      expect(written).toEqual([]);
    });

    // BUG (reported, in the driver): the ROLLBACK drizzle sends on the transaction's reserved
    // connection is written after the socket is gone, and postgres.js 3.4.9 throws from a
    // setImmediate: "TypeError: Cannot read properties of null (reading 'write')" at
    // connection.js nextWrite (porsager/postgres#1154, #1208; guard proposed in #1209). Outside
    // `next start` (scripts, the seed, a worker) that exits the process; under it, it is logged.
    it.fails('a transaction cut mid-way throws nothing outside the request', async () => {
      const { uncaught } = await cutTransaction();
      expect(uncaught).toEqual([]);
    });

    /**
     * postgres.js's default reconnect backoff grows to 20 s per attempt; db/client.ts caps it at
     * 1 s with a 5 s connect deadline, so an outage shows the friendly 503 at once and the first
     * request after recovery is not held back.
     */
    it('while the database stays down, the middleware answers every request within 2.5 seconds', async () => {
      const handle = proxiedHandle();
      await handle.db.execute(sql`select 1`);
      await proxy.cut();
      const answers: (string | null)[] = [];
      for (let i = 0; i < 15; i++) {
        const { target } = await within(2_500, route()).catch((e: Error) => ({ target: e.message }));
        answers.push(target);
        if (target !== '/service-unavailable') break;
      }
      expect(answers).toEqual(Array(15).fill('/service-unavailable'));
    });
  });
});
