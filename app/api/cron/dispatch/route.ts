import { createHash, timingSafeEqual } from 'node:crypto';
import { requiredSecret } from '@/lib/config/env';
import { getDb } from '@/db/client';
import { runScheduledJobs } from '@/lib/jobs/scheduled';
import { errorSummary } from '@/lib/kernel/errors';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Delivers due outbox messages: retries with backoff, and anything the after-response dispatch
 * missed. Vercel Cron calls it with GET and `Authorization: Bearer $CRON_SECRET` (vercel.json);
 * POST is for other schedulers.
 */
export async function GET(request: Request): Promise<Response> {
  return dispatch(request);
}

export async function POST(request: Request): Promise<Response> {
  return dispatch(request);
}

async function dispatch(request: Request): Promise<Response> {
  if (!isAuthorized(request.headers.get('authorization'))) {
    return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  }
  try {
    // The same jobs `npm run worker` runs (lib/jobs/scheduled.ts), one pass each.
    const counts = await runScheduledJobs(getDb(), testTimeOverride(request));
    return Response.json(counts, { headers: NO_STORE });
  } catch (error) {
    // Name and Postgres code only: a failed query's message quotes its parameters.
    console.error(`cron/dispatch: failed (${errorSummary(error)})`);
    return Response.json({ error: 'dispatch failed' }, { status: 500, headers: NO_STORE });
  }
}

/**
 * End-to-end tests cannot wait 48 hours: with CAREBRIDGE_ENV=test only, `?at=<ISO instant>`
 * runs the auto-close as of that instant. Ignored everywhere else.
 */
function testTimeOverride(request: Request): Date | undefined {
  if (process.env['CAREBRIDGE_ENV'] !== 'test') return undefined;
  const raw = new URL(request.url).searchParams.get('at');
  if (!raw) return undefined;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function isAuthorized(header: string | null): boolean {
  const expected = `Bearer ${requiredSecret('CRON_SECRET')}`;
  // Equal-length digests: timingSafeEqual needs the same length, and the length must not leak either.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header ?? ''), digest(expected));
}
