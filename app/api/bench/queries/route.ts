import { getDatabaseHandle } from '@/db/client';

export const dynamic = 'force-dynamic';

/**
 * How many SQL statements this process has sent and how much CPU it has used, for the
 * benchmark's per-page query count and server CPU time per request.
 * Exists only when the server was started in bench mode; otherwise it is a plain 404.
 */
export function GET() {
  if (process.env['CAREBRIDGE_BENCH'] !== '1') return new Response('Not found', { status: 404 });
  const cpu = process.cpuUsage();
  return Response.json({ count: getDatabaseHandle().queryCount(), cpuMicros: cpu.user + cpu.system }, { headers: { 'Cache-Control': 'no-store' } });
}
