import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { campaignRecipients, outboxMessages } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { consentWithheldAmong, recordConsent } from '@/lib/engagement/consent';
import { suppress } from '@/lib/engagement/suppressions';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from '@/lib/email/types';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { createCampaign, queueRecipient, recipientRow } from '../support/engagement-campaign-fixtures';
import { createConsentClinic, KeptEmail, KeptSms, type ConsentClinic } from '../support/engagement-consent-world';

/**
 * Issue 18, points 7–8, at send time: a marketing message that names its patient is held back
 * ('suppressed') when the patient's consent on its channel was withdrawn after it was queued,
 * while a care message to the same patient still goes; the check is one query for the batch.
 * A campaign recipient follows its outbox row: sent, failed (dead) or suppressed, written in the
 * same transaction as the row's final state.
 */

let w: ConsentClinic;
const T0 = new Date('2026-05-04T09:00:00Z');

beforeEach(async () => {
  setClockForTests(() => T0);
  w = await createConsentClinic();
  for (const p of [w.maria, w.nadia]) {
    for (const channel of ['email', 'sms'] as const) {
      await recordConsent(getDb(), w.clinic.id, { patientId: p.id, channel, purpose: 'marketing', granted: true, source: 'portal' });
    }
  }
});

afterEach(async () => {
  setClockForTests(undefined);
  await getDb().delete(outboxMessages);
});

let n = 0;
async function email(patientId: string | null, to: string, purpose: 'care' | 'marketing') {
  const key = `email:${++n}`;
  await enqueueMessage(getDb(), { tenantId: w.clinic.id, channel: 'email', recipient: to, subject: 'Hello', body: `Message ${n}`, idempotencyKey: key, purpose, patientId });
  return key;
}

const withdraw = (patientId: string, channel: 'email' | 'sms') =>
  recordConsent(getDb(), w.clinic.id, { patientId, channel, purpose: 'marketing', granted: false, source: 'portal' });

async function outbox(key: string) {
  const [row] = await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, w.clinic.id), eq(outboxMessages.idempotencyKey, key)));
  return row!;
}

describe('consent checked again at send time', () => {
  it('stores the patient a message names', async () => {
    const key = await email(w.maria.id, w.maria.email!, 'marketing');
    expect((await outbox(key)).patientId).toBe(w.maria.id);
    expect((await outbox(await email(null, w.maria.email!, 'care'))).patientId).toBeNull();
    await expect(email('not-an-id', w.maria.email!, 'care')).rejects.toThrow(/patientId/);
  });

  it('holds back marketing whose patient withdrew after it was queued; a care message to her still goes', async () => {
    const marketing = await email(w.maria.id, w.maria.email!, 'marketing');
    const care = await email(w.maria.id, w.maria.email!, 'care');
    await withdraw(w.maria.id, 'email');
    const sender = new KeptEmail();
    expect(await dispatchDueMessages({ email: sender })).toEqual({ sent: 1, retried: 0, dead: 0, suppressed: 1 });
    expect(sender.sent.map((m) => m.idempotencyKey)).toEqual([care]);
    const held = await outbox(marketing);
    expect(held).toMatchObject({ status: 'suppressed', sentAt: null, providerMessageId: null });
    expect(held.lastError).toMatch(/no consent/);
    // Neither the address nor the patient in the reason.
    expect(held.lastError).not.toContain(w.maria.email!.split('@')[0]!);
    expect(held.lastError).not.toContain(w.maria.id);
    expect((await outbox(care)).status).toBe('sent');
  });

  it('sends marketing whose patient still consents (the same set-up without the withdrawal)', async () => {
    const marketing = await email(w.maria.id, w.maria.email!, 'marketing');
    const sender = new KeptEmail();
    expect(await dispatchDueMessages({ email: sender })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(sender.sent.map((m) => m.idempotencyKey)).toEqual([marketing]);
  });

  it('is per channel: a no to marketing texts does not stop a marketing email, and the text is held back', async () => {
    await withdraw(w.maria.id, 'sms');
    const mail = await email(w.maria.id, w.maria.email!, 'marketing');
    await enqueueMessage(getDb(), { tenantId: w.clinic.id, channel: 'sms', recipient: w.maria.phone!, body: 'Offers', idempotencyKey: 'sms:offer', purpose: 'marketing', patientId: w.maria.id });
    const kept = { email: new KeptEmail(), sms: new KeptSms() };
    expect(await dispatchDueMessages(kept)).toEqual({ sent: 1, retried: 0, dead: 0, suppressed: 1 });
    expect(kept.email.sent.map((m) => m.idempotencyKey)).toEqual([mail]);
    expect(kept.sms.sent).toEqual([]);
    expect((await outbox('sms:offer')).status).toBe('suppressed');
  });

  it('a patient who withdrew and said yes again gets it; one who never said yes does not', async () => {
    await withdraw(w.maria.id, 'email');
    await recordConsent(getDb(), w.clinic.id, { patientId: w.maria.id, channel: 'email', purpose: 'marketing', granted: true, source: 'staff' });
    const again = await email(w.maria.id, w.maria.email!, 'marketing');
    // Leo (Maria's son) has no answer recorded: marketing's default is no.
    const never = await email(w.leo.id, w.leo.email!, 'marketing');
    const sender = new KeptEmail();
    expect(await dispatchDueMessages({ email: sender })).toEqual({ sent: 1, retried: 0, dead: 0, suppressed: 1 });
    expect(sender.sent.map((m) => m.idempotencyKey)).toEqual([again]);
    expect((await outbox(never)).status).toBe('suppressed');
  });

  it("reads another clinic's answers for that clinic's messages only", async () => {
    const other = await createConsentClinic();
    await recordConsent(getDb(), other.clinic.id, { patientId: other.maria.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    const withheld = await consentWithheldAmong(getDb(), [
      { tenantId: w.clinic.id, patientId: w.maria.id, channel: 'email', purpose: 'marketing' },
      // Our Maria's id under the other clinic: not that clinic's patient, so the default (no).
      { tenantId: other.clinic.id, patientId: w.maria.id, channel: 'email', purpose: 'marketing' },
      { tenantId: other.clinic.id, patientId: other.maria.id, channel: 'email', purpose: 'marketing' },
      { tenantId: w.clinic.id, patientId: w.leo.id, channel: 'email', purpose: 'care' },
    ]);
    expect([...withheld]).toEqual([1]);
  });

  it('checks the whole batch with one query whatever its size', async () => {
    const handle = getDatabaseHandle();
    const statementsFor = async (count: number) => {
      for (let i = 0; i < count; i++) await email(w.nadia.id, w.nadia.email!, 'marketing');
      await withdraw(w.nadia.id, 'email');
      const before = handle.queryCount();
      expect(await dispatchDueMessages({ email: new KeptEmail() })).toMatchObject({ suppressed: count });
      const used = handle.queryCount() - before;
      await recordConsent(getDb(), w.clinic.id, { patientId: w.nadia.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
      return used;
    };
    const one = await statementsFor(1);
    const five = await statementsFor(5);
    // The claim, the suppression list and the consent answers once a batch; then per held-back
    // row its outbox update and its campaign recipient's.
    expect(one).toBe(3 + 2);
    expect(five).toBe(3 + 2 * 5);
  });
});

/** An email provider that refuses, for good, the messages whose keys it is given. */
class RefusingEmail implements EmailSender {
  readonly name = 'outbox' as const;
  readonly sent: EmailMessage[] = [];
  constructor(private readonly refuse: Set<string>, private readonly retryable = false) {}
  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    if (this.refuse.has(message.idempotencyKey ?? '')) throw new EmailDeliveryError('Refused (HTTP 422)', { retryable: this.retryable });
    this.sent.push(message);
    return { providerMessageId: `re_${this.sent.length}` };
  }
}

describe('a campaign recipient follows its outbox row', () => {
  it('sent, failed and suppressed, with the sending time', async () => {
    const campaign = await createCampaign(w.clinic.id);
    const maria = await queueRecipient(campaign, w.maria, w.maria.email!);
    const nadia = await queueRecipient(campaign, w.nadia, w.nadia.email!);
    const leo = await queueRecipient(campaign, w.leo, 'leo.own@family.test');
    await recordConsent(getDb(), w.clinic.id, { patientId: w.leo.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    // Maria left out of another campaign of the clinic: never queued, no message.
    const [excluded] = await getDb().insert(campaignRecipients).values({
      tenantId: w.clinic.id, campaignId: (await createCampaign(w.clinic.id)).id, patientId: w.maria.id, status: 'excluded', exclusionReason: 'no_consent',
    }).returning();
    await withdraw(w.nadia.id, 'email');

    const sender = new RefusingEmail(new Set([leo.key]));
    expect(await dispatchDueMessages({ email: sender })).toEqual({ sent: 1, retried: 0, dead: 1, suppressed: 1 });

    expect(await recipientRow(maria.recipient.id)).toMatchObject({ status: 'sent', sentAt: T0 });
    expect((await outbox(maria.key)).sentAt).toEqual(T0);
    expect(await recipientRow(nadia.recipient.id)).toMatchObject({ status: 'suppressed', sentAt: null });
    expect(await recipientRow(leo.recipient.id)).toMatchObject({ status: 'failed', sentAt: null });
    expect(await recipientRow(excluded!.id)).toMatchObject({ status: 'excluded', exclusionReason: 'no_consent', sentAt: null });
  });

  it('an address on the suppression list: suppressed as well', async () => {
    const campaign = await createCampaign(w.clinic.id);
    const maria = await queueRecipient(campaign, w.maria, w.maria.email!);
    await suppress(getDb(), w.clinic.id, 'email', w.maria.email!, 'unsubscribed');
    await dispatchDueMessages({ email: new KeptEmail() });
    expect(await recipientRow(maria.recipient.id)).toMatchObject({ status: 'suppressed' });
  });

  it('stays queued while its message is retried, and follows the final outcome', async () => {
    const campaign = await createCampaign(w.clinic.id);
    const maria = await queueRecipient(campaign, w.maria, w.maria.email!);
    expect(await dispatchDueMessages({ email: new RefusingEmail(new Set([maria.key]), true) })).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await recipientRow(maria.recipient.id)).toMatchObject({ status: 'queued', sentAt: null });
    const later = new Date(T0.getTime() + 60 * 60_000);
    setClockForTests(() => later);
    expect(await dispatchDueMessages({ email: new KeptEmail() })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await recipientRow(maria.recipient.id)).toMatchObject({ status: 'sent', sentAt: later });
  });

  it("another clinic's recipient pointing at the same message id is not touched", async () => {
    const campaign = await createCampaign(w.clinic.id);
    const maria = await queueRecipient(campaign, w.maria, w.maria.email!);
    const other = await createConsentClinic();
    const otherCampaign = await createCampaign(other.clinic.id);
    const [stray] = await getDb().insert(campaignRecipients).values({
      tenantId: other.clinic.id, campaignId: otherCampaign.id, patientId: other.maria.id, address: other.maria.email, status: 'queued', outboxMessageId: maria.outboxId,
    }).returning();
    await dispatchDueMessages({ email: new KeptEmail() });
    expect(await recipientRow(maria.recipient.id)).toMatchObject({ status: 'sent' });
    expect(await recipientRow(stray!.id)).toMatchObject({ status: 'queued', sentAt: null });
  });
});
