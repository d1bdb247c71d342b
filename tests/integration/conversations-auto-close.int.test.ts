import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { conversations, tenantSettings, type MessagingPolicy } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { autoCloseConversations } from '@/lib/conversations/auto-close';
import { openPortalThread, replyAsPatient } from '@/lib/conversations/portal';
import { reopenConversation, replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import { assign, auditActions, household, messagesOf, messagingClinic, useTempStore } from './conversations-fixtures';
import { testServerUrl } from '../support/test-database';

let temp: Awaited<ReturnType<typeof useTempStore>>;
beforeAll(async () => { temp = await useTempStore(); });
afterAll(async () => { await temp.dispose(); });
afterEach(() => setClockForTests(undefined));

const T0 = new Date('2030-05-06T15:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

async function started(policy: MessagingPolicy = 'reply_only') {
  setClockForTests(() => T0);
  const setup = await messagingClinic(policy);
  const family = await household(setup.clinic);
  if (policy === 'assigned_only') await assign(setup.clinic, family.maria.id, setup.support);
  const result = await startStaffConversation(getDb(), setup.support, { patientId: family.maria.id, subject: 'Follow-up', body: 'How are you?' });
  if (!result.ok) throw new Error(result.message);
  return { ...setup, ...family, conversationId: result.conversationId };
}

async function statusOf(id: string) {
  const [row] = await getDb().select().from(conversations).where(eq(conversations.id, id));
  return row!;
}

/** Runs the sweep as the cron route does, as of `at` (also the clock, as in production). */
async function sweep(at: Date) {
  setClockForTests(() => at);
  return autoCloseConversations(getDb());
}

describe('auto-close ("Reply only")', () => {
  it('stays open at 47 h and closes at 49 h, audited as the system', async () => {
    const { clinic, conversationId } = await started();
    await sweep(hours(47));
    expect((await statusOf(conversationId)).status).toBe('open');
    const result = await sweep(hours(49));
    expect(result.closed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(conversationId)).toMatchObject({ status: 'closed', closedReason: 'auto', closedAt: hours(49), closedById: null });
    const audit = (await auditActions(clinic.id)).filter((a) => a.action === 'conversation.auto_closed');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'system', targetId: conversationId });
    // Idempotent: a second sweep has nothing left to close here.
    await sweep(hours(50));
    expect((await auditActions(clinic.id)).filter((a) => a.action === 'conversation.auto_closed')).toHaveLength(1);
  });

  it('counts from the last staff message', async () => {
    const { support, conversationId } = await started();
    setClockForTests(() => hours(30));
    const again = await replyAsStaff(getDb(), support, conversationId, { body: 'Any news?' });
    expect(again.ok).toBe(true);
    await sweep(hours(49));
    expect((await statusOf(conversationId)).status).toBe('open');
    await sweep(hours(78));
    expect((await statusOf(conversationId)).status).toBe('closed');
  });

  it('stays open when the patient replied', async () => {
    const { asMaria, conversationId } = await started();
    setClockForTests(() => hours(10));
    expect((await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Fine, thanks' })).ok).toBe(true);
    await sweep(hours(200));
    expect((await statusOf(conversationId)).status).toBe('open');
  });

  it('closes again when staff answered the patient and then heard nothing for 48 h', async () => {
    const { support, asMaria, conversationId } = await started();
    setClockForTests(() => hours(1));
    await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Question' });
    setClockForTests(() => hours(2));
    await replyAsStaff(getDb(), support, conversationId, { body: 'Answer' });
    await sweep(hours(49));
    expect((await statusOf(conversationId)).status).toBe('open');
    await sweep(hours(50));
    expect((await statusOf(conversationId)).status).toBe('closed');
  });

  it.each(['never_initiate', 'assigned_only', 'all_clients'] as const)('%s: never closes by itself', async (policy) => {
    const { conversationId } = await started(policy);
    await sweep(hours(500));
    expect((await statusOf(conversationId)).status).toBe('open');
  });

  it('only touches clinics whose policy is reply_only at sweep time', async () => {
    const { clinic, conversationId } = await started();
    await getDb().update(tenantSettings).set({ messagingPolicy: 'all_clients' }).where(eq(tenantSettings.tenantId, clinic.id));
    await sweep(hours(100));
    expect((await statusOf(conversationId)).status).toBe('open');
  });

  it('the patient sees it closed and cannot reply; reopening restarts the 48 h', async () => {
    const { support, asMaria, conversationId } = await started();
    await sweep(hours(49));
    const view = await openPortalThread(getDb(), asMaria, conversationId);
    expect(view).toMatchObject({ mayReply: false, replyBlockedReason: 'closed', conversation: { status: 'closed', closedReason: 'auto' } });
    expect(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Too late?' })).toMatchObject({ ok: false, error: 'closed' });
    setClockForTests(() => hours(60));
    expect((await reopenConversation(getDb(), support, conversationId)).ok).toBe(true);
    await sweep(hours(61));
    expect((await statusOf(conversationId)).status).toBe('open');
    await sweep(hours(108));
    expect((await statusOf(conversationId)).status).toBe('closed');
  });
});

describe('a reply racing the auto-close', () => {
  it('never leaves a patient message in a conversation the sweep closed', async () => {
    const { clinic, support } = await messagingClinic();
    const patients = await Promise.all(Array.from({ length: 6 }, () => household(clinic)));
    setClockForTests(() => T0);
    const ids: string[] = [];
    for (const p of patients) {
      const r = await startStaffConversation(getDb(), support, { patientId: p.maria.id, subject: 's', body: 'b' });
      if (!r.ok) throw new Error(r.message);
      ids.push(r.conversationId);
    }
    setClockForTests(() => hours(49));
    const [, ...replies] = await Promise.all([
      autoCloseConversations(getDb()),
      ...patients.map((p, i) => replyAsPatient(getDb(), p.asMaria, ids[i]!, { body: 'racing' })),
    ]);
    for (const [i, id] of ids.entries()) {
      const row = await statusOf(id);
      const patientMessages = (await messagesOf(clinic.id, id)).filter((m) => m.senderKind === 'patient');
      if (row.status === 'closed') {
        expect(patientMessages).toHaveLength(0);
        expect(replies[i]).toMatchObject({ ok: false, error: 'closed' });
      } else {
        expect(patientMessages).toHaveLength(1);
        expect(replies[i]).toMatchObject({ ok: true });
      }
    }
  });

  it.runIf(Boolean(testServerUrl()))('the sweep waits for a reply holding the row lock, then leaves the conversation open', async () => {
    const { asMaria, conversationId } = await started();
    setClockForTests(() => hours(49));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let replied!: () => void;
    const replyDone = new Promise<void>((r) => (replied = r));
    const replying = getDb().transaction(async (tx) => {
      const result = await replyAsPatient(tx, asMaria, conversationId, { body: 'Here I am' });
      expect(result.ok).toBe(true);
      replied();
      await held;
    });
    await replyDone;
    const sweeping = autoCloseConversations(getDb());
    await new Promise((r) => setTimeout(r, 300));
    release();
    await replying;
    expect(await sweeping).toEqual({ closed: 0 });
    expect((await statusOf(conversationId)).status).toBe('open');
  });

  it.runIf(Boolean(testServerUrl()))('a reply waits for a sweep holding the row lock, then is refused', async () => {
    const { clinic, asMaria, conversationId } = await started();
    setClockForTests(() => hours(49));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let swept!: () => void;
    const sweepDone = new Promise<void>((r) => (swept = r));
    const closing = getDb().transaction(async (tx) => {
      expect((await autoCloseConversations(tx)).closed).toBeGreaterThanOrEqual(1);
      swept();
      await held;
    });
    await sweepDone;
    const replying = replyAsPatient(getDb(), asMaria, conversationId, { body: 'Just in time?' });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await closing;
    expect(await replying).toMatchObject({ ok: false, error: 'closed' });
    expect((await messagesOf(clinic.id, conversationId)).filter((m) => m.senderKind === 'patient')).toHaveLength(0);
    expect((await statusOf(conversationId)).status).toBe('closed');
  });
});
