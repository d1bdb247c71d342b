import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { outboxMessages, patientConsents, suppressions } from '@/db/schema';
import { mayContact } from '@/lib/engagement/consent';
import { capturedSmsClinics, replyToCapturedSms } from '@/lib/engagement/dev-sms-reply';
import { applySmsKeyword } from '@/lib/engagement/sms-keywords';
import { isSuppressed, suppress, suppressionOf, unsuppress } from '@/lib/engagement/suppressions';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { OutboxSmsSender } from '@/lib/sms/outbox-sender';
import { formData, invokeAction } from '../support/action-harness';
import { createConsentClinic, KeptEmail, KeptSms, type ConsentClinic } from '../support/engagement-consent-world';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 18, point 7: the suppression list and SMS STOP. STOP (and its synonyms) suppresses every
 * text to the number, care included, checked by the dispatcher at send time, and records a "no"
 * to SMS for the clinic's patients with that phone; START lifts the STOP (and only a STOP);
 * HELP and ordinary replies change nothing. One clinic's STOP is not another's.
 */

let w: ConsentClinic;
beforeEach(async () => {
  w = await createConsentClinic();
});

afterEach(async () => {
  await getDb().delete(outboxMessages);
});

let n = 0;
async function text(tenantId: string, to: string, purpose: 'care' | 'marketing' = 'care') {
  const key = `sms:${++n}`;
  await enqueueMessage(getDb(), { tenantId, channel: 'sms', recipient: to, body: `Message ${n}`, idempotencyKey: key, purpose });
  return key;
}

describe('the suppression list', () => {
  it('keeps the reason that stops more when an address is suppressed again', async () => {
    const db = getDb();
    const address = w.nadia.email!;
    await suppress(db, w.clinic.id, 'email', address, 'unsubscribed');
    await suppress(db, w.clinic.id, 'email', address, 'complained');
    await suppress(db, w.clinic.id, 'email', address.toUpperCase(), 'unsubscribed');
    expect(await suppressionOf(db, w.clinic.id, 'email', address)).toBe('complained');
    expect(await isSuppressed(db, w.clinic.id, 'email', address, 'care')).toBe(true);
    expect(await getDb().select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id))).toHaveLength(1);
  });

  it('writes nothing for something that is not an address', async () => {
    expect(await suppress(getDb(), w.clinic.id, 'sms', 'not a phone', 'stopped')).toBeNull();
    expect(await getDb().select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id))).toEqual([]);
  });

  it('START lifts a STOP only: a bounce stays', async () => {
    const db = getDb();
    await suppress(db, w.clinic.id, 'sms', w.nadia.phone!, 'bounced');
    expect(await unsuppress(db, w.clinic.id, 'sms', w.nadia.phone!)).toBe(false);
    expect(await suppressionOf(db, w.clinic.id, 'sms', w.nadia.phone!)).toBe('bounced');
  });
});

describe('SMS STOP and START', () => {
  it('STOP suppresses every text to the number, care included, at send time; email is untouched', async () => {
    const db = getDb();
    const phone = w.maria.phone!;
    // A reply arrives as the provider writes the number; the patient typed the keyword their way.
    expect(await applySmsKeyword(db, w.clinic.id, phone.replace('+1', ''), ' Stop ')).toEqual({ keyword: 'stop', patientsChanged: 1 });
    expect(await suppressionOf(db, w.clinic.id, 'sms', phone)).toBe('stopped');
    const answers = await db.select({ purpose: patientConsents.purpose, granted: patientConsents.granted, source: patientConsents.source })
      .from(patientConsents).where(and(eq(patientConsents.patientId, w.maria.id), eq(patientConsents.channel, 'sms')));
    // Care by SMS was allowed by default: now a recorded no. Marketing was already no: nothing to record.
    expect(answers).toEqual([{ purpose: 'care', granted: false, source: 'sms_keyword' }]);

    const care = await text(w.clinic.id, phone, 'care');
    const marketing = await text(w.clinic.id, phone, 'marketing');
    const other = await text(w.clinic.id, w.nadia.phone!, 'care');
    await enqueueMessage(db, { tenantId: w.clinic.id, channel: 'email', recipient: w.maria.email!, subject: 'Visit', body: 'See you.', idempotencyKey: 'email:maria' });
    const sms = new KeptSms();
    const email = new KeptEmail();
    expect(await dispatchDueMessages({ sms, email })).toEqual({ sent: 2, retried: 0, dead: 0, suppressed: 2 });
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual([other]);
    expect(email.sent).toHaveLength(1);
    const statuses = Object.fromEntries((await db.select({ key: outboxMessages.idempotencyKey, status: outboxMessages.status }).from(outboxMessages)).map((r) => [r.key, r.status]));
    expect(statuses).toMatchObject({ [care]: 'suppressed', [marketing]: 'suppressed', [other]: 'sent' });
  });

  it('START lifts it: the next text goes out, care texts are allowed again, marketing stays no', async () => {
    const db = getDb();
    const phone = w.maria.phone!;
    await applySmsKeyword(db, w.clinic.id, phone, 'STOPALL');
    const started = await applySmsKeyword(db, w.clinic.id, phone, 'start');
    expect(started.keyword).toBe('start');
    expect(started.patientsChanged).toBeGreaterThan(0);
    expect(await suppressionOf(db, w.clinic.id, 'sms', phone)).toBeNull();
    const key = await text(w.clinic.id, phone, 'care');
    const sms = new KeptSms();
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual([key]);
    // START undoes STOP for care texts (reminders, codes); marketing needs the patient's own yes.
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'sms', 'care')).toMatchObject({ ok: true });
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'sms', 'marketing')).toEqual({ ok: false, reason: 'no-consent' });
  });

  it('HELP and ordinary replies change nothing', async () => {
    const db = getDb();
    expect(await applySmsKeyword(db, w.clinic.id, w.maria.phone!, 'HELP')).toEqual({ keyword: 'help', patientsChanged: 0 });
    expect(await applySmsKeyword(db, w.clinic.id, w.maria.phone!, 'Stop by at 3?')).toEqual({ keyword: null, patientsChanged: 0 });
    expect(await db.select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id))).toEqual([]);
    expect(await db.select().from(patientConsents).where(eq(patientConsents.tenantId, w.clinic.id))).toEqual([]);
  });

  it("one clinic's STOP does not silence another clinic's texts to the same number", async () => {
    const other = await createConsentClinic();
    const phone = w.maria.phone!;
    await applySmsKeyword(getDb(), w.clinic.id, phone, 'STOP');
    const theirs = await text(other.clinic.id, phone, 'care');
    const sms = new KeptSms();
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual([theirs]);
  });
});

describe('/dev/outbox: replying as the number', () => {
  it("finds the clinic of a captured text and applies the reply to it (sign-in codes have none)", async () => {
    const db = getDb();
    await text(w.clinic.id, w.nadia.phone!, 'care');
    await dispatchDueMessages({ sms: new OutboxSmsSender() });
    const [sent] = await db.select({ providerMessageId: outboxMessages.providerMessageId }).from(outboxMessages).where(eq(outboxMessages.tenantId, w.clinic.id));
    const captureId = sent!.providerMessageId!;
    expect((await capturedSmsClinics(db, [captureId, crypto.randomUUID()])).get(captureId)).toEqual({ tenantId: w.clinic.id, clinicName: w.clinic.name });
    expect(await replyToCapturedSms(db, crypto.randomUUID(), 'STOP')).toBeNull();

    const { replyAsNumberAction } = await import('@/app/platform/dev/outbox/actions');
    const replied = await invokeAction({ host: 'localhost:3000', path: '/dev/outbox' }, replyAsNumberAction, {}, formData({ captureId, reply: 'STOP' }));
    expect(replied).toMatchObject({ kind: 'returned', value: { ok: true } });
    expect(await suppressionOf(db, w.clinic.id, 'sms', w.nadia.phone!)).toBe('stopped');
    // On a clinic's host the console's actions do not exist.
    const onClinic = await invokeAction({ host: `${w.clinic.slug}.localhost:3000`, path: '/dev/outbox' }, replyAsNumberAction, {}, formData({ captureId, reply: 'START' }));
    expect(onClinic).toMatchObject({ kind: 'not-found' });
    expect(await suppressionOf(db, w.clinic.id, 'sms', w.nadia.phone!)).toBe('stopped');
  });
});
