import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { emailProviderName, smsProviderName } from '@/lib/messaging/providers';
import { getObjectStore } from '@/lib/storage/get-object-store';

export interface SystemHealth {
  database: { ok: boolean; latencyMs: number | null; detail: string };
  storage: { ok: boolean; kind: string };
  sms: { provider: string };
  email: { provider: string };
  outbox: { pending: number; dead: number; oldestPendingMinutes: number | null };
}

/** What the operator console shows: each dependency answering, and the delivery backlog. */
export async function systemHealth(db: Executor): Promise<SystemHealth> {
  const started = Date.now();
  let database: SystemHealth['database'];
  let outbox: SystemHealth['outbox'] = { pending: 0, dead: 0, oldestPendingMinutes: null };
  try {
    await db.execute(sql`select 1`);
    database = { ok: true, latencyMs: Date.now() - started, detail: 'answering' };
    const result = await db.execute<{ pending: number; dead: number; oldest: number | null }>(sql`
      select count(*) filter (where status in ('pending', 'sending'))::int as pending,
             count(*) filter (where status = 'dead')::int as dead,
             extract(epoch from now() - min(created_at) filter (where status in ('pending', 'sending')))::int / 60 as oldest
      from outbox_messages`);
    const row = (Array.isArray(result) ? result[0] : (result as { rows: unknown[] }).rows[0]) as { pending: number; dead: number; oldest: number | null } | undefined;
    outbox = { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0), oldestPendingMinutes: row?.oldest == null ? null : Number(row.oldest) };
  } catch {
    database = { ok: false, latencyMs: null, detail: 'not answering' };
  }
  const safe = (f: () => string) => {
    try {
      return f();
    } catch {
      return 'misconfigured';
    }
  };
  return { database, storage: await storageHealth(), sms: { provider: safe(smsProviderName) }, email: { provider: safe(emailProviderName) }, outbox };
}

/** A HEAD of a key that need not exist: it proves the store answers and the credentials work. */
async function storageHealth(): Promise<SystemHealth['storage']> {
  const kind = process.env.S3_BUCKET ? 'S3' : 'local folder';
  try {
    await getObjectStore().head('health/probe');
    return { ok: true, kind };
  } catch {
    return { ok: false, kind };
  }
}
