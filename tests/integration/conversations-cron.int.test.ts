import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/cron/dispatch/route';
import { getDb } from '@/db/client';
import { conversations } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { startStaffConversation } from '@/lib/conversations/staff';
import { household, messagingClinic, useTempStore } from './conversations-fixtures';

let temp: Awaited<ReturnType<typeof useTempStore>>;
beforeAll(async () => { temp = await useTempStore(); });
afterAll(async () => { await temp.dispose(); });
const savedEnv = process.env['CAREBRIDGE_ENV'];
afterEach(() => {
  setClockForTests(undefined);
  if (savedEnv === undefined) delete process.env['CAREBRIDGE_ENV'];
  else process.env['CAREBRIDGE_ENV'] = savedEnv;
});

const T0 = new Date('2030-05-06T15:00:00Z');
const in49h = new Date(T0.getTime() + 49 * 3_600_000).toISOString();
const cron = (query: string, secret = 'dev-only-cron-secret') =>
  GET(new Request(`http://localhost/api/cron/dispatch${query}`, { headers: { authorization: `Bearer ${secret}` } }));

async function started() {
  setClockForTests(() => T0);
  const { clinic, support } = await messagingClinic('reply_only');
  const { maria } = await household(clinic);
  const r = await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 's', body: 'b' });
  if (!r.ok) throw new Error(r.message);
  return r.conversationId;
}
const status = async (id: string) => (await getDb().select().from(conversations).where(eq(conversations.id, id)))[0]!.status;

describe('cron route: auto-close', () => {
  it('ignores ?at= outside CAREBRIDGE_ENV=test', async () => {
    delete process.env['CAREBRIDGE_ENV'];
    const id = await started();
    const response = await cron(`?at=${in49h}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ conversationsAutoClosed: 0 });
    expect(await status(id)).toBe('open');
  });

  it('honours ?at= under CAREBRIDGE_ENV=test, only with the cron secret', async () => {
    process.env['CAREBRIDGE_ENV'] = 'test';
    const id = await started();
    expect((await cron(`?at=${in49h}`, 'wrong')).status).toBe(401);
    expect(await status(id)).toBe('open');
    expect((await cron('?at=not-a-date')).status).toBe(200);
    expect(await status(id)).toBe('open');
    const response = await cron(`?at=${encodeURIComponent(in49h)}`);
    // The first case's conversation is due too: the sweep covers every clinic.
    expect(await response.json()).toMatchObject({ conversationsAutoClosed: 2 });
    expect(await status(id)).toBe('closed');
  });

  it('closes by the clock without an override', async () => {
    delete process.env['CAREBRIDGE_ENV'];
    const id = await started();
    setClockForTests(() => new Date(in49h));
    await cron('');
    expect(await status(id)).toBe('closed');
  });
});
