import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';

export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 3_000;

/** Liveness with a database round trip: 200 when Postgres answers, 503 with the reason when not. */
export async function GET() {
  const started = Date.now();
  try {
    await Promise.race([
      getDb().execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS)),
    ]);
    return Response.json(
      { status: 'ok', database: 'ok', latencyMs: Date.now() - started },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch (error) {
    const reason = error instanceof Error && error.message === 'timeout'
      ? 'database did not answer within 3 seconds'
      : 'database unreachable';
    return Response.json(
      { status: 'error', database: 'unavailable', reason },
      { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } },
    );
  }
}
