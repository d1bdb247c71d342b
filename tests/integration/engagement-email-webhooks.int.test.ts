import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/webhooks/resend/route';
import { getDb } from '@/db/client';
import { auditLog, campaignRecipients, emailProviderEvents, outboxMessages, suppressions } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { recordConsent } from '@/lib/engagement/consent';
import { suppress, suppressionOf } from '@/lib/engagement/suppressions';
import { makeUnsubscribeToken, unsubscribeByToken } from '@/lib/engagement/unsubscribe';
import type { EmailMessage, EmailSender } from '@/lib/email/types';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { createCampaign, queueRecipient, recipientRow } from '../support/engagement-campaign-fixtures';
import { createConsentClinic, type ConsentClinic } from '../support/engagement-consent-world';

/**
 * Issue 18, point 8: Resend's webhooks, signed with the Svix scheme by the same library the route
 * verifies with (standardwebhooks, what resend's own verify calls). A genuine event is recorded
 * once by its id, even when delivered twice at once, and updates the campaign recipient of the
 * email it names (delivered, first open, first click); a hard bounce or a complaint puts the
 * address on the clinic's suppression list, so the next email to it is held back at send time.
 * Anything unsigned, re-signed, edited or stale is refused with a bare 400. The unsubscribe link
 * is counted on the campaign recipients it could have come from.
 */

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const URL = 'http://localhost/api/webhooks/resend';
const T0 = new Date('2026-05-04T09:00:00Z');

let w: ConsentClinic;

beforeEach(async () => {
  setClockForTests(() => T0);
  vi.stubEnv('RESEND_WEBHOOK_SECRET', SECRET);
  w = await createConsentClinic();
  for (const p of [w.maria, w.nadia]) {
    await recordConsent(getDb(), w.clinic.id, { patientId: p.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
  }
});

afterEach(async () => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
  await getDb().delete(outboxMessages);
  // Not a clinic's table: each test starts with none.
  await getDb().delete(emailProviderEvents);
});

/** Resend's API stand-in: ids like Resend's, never repeated across tests. */
class ResendLike implements EmailSender {
  readonly name = 'outbox' as const;
  readonly ids = new Map<string, string>();
  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    const id = randomUUID();
    this.ids.set(message.idempotencyKey ?? '', id);
    return { providerMessageId: id };
  }
}

/** A campaign email to Maria, sent: its recipient row and Resend's id for it. */
async function sentCampaignEmail(to = w.maria) {
  const campaign = await createCampaign(w.clinic.id);
  const queued = await queueRecipient(campaign, to, to.email!);
  const resend = new ResendLike();
  expect(await dispatchDueMessages({ email: resend })).toMatchObject({ sent: 1 });
  return { ...queued, emailId: resend.ids.get(queued.key)! };
}

function resendEvent(type: string, emailId: string, createdAt: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    type,
    created_at: createdAt,
    data: {
      created_at: createdAt, email_id: emailId, message_id: `<${emailId}@resend.test>`,
      from: 'Sunrise Clinic <no-reply@carebridge.test>', to: [w.maria.email], subject: 'Spring offers', ...extra,
    },
  });
}

interface Delivery { id?: string; secret?: string; signedAt?: Date; headers?: Record<string, string | undefined>; body?: string }

/** POSTs `payload` the way Resend does: svix-id, svix-timestamp and svix-signature over the raw body. */
function deliver(payload: string, options: Delivery = {}): Promise<Response> {
  const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
  const signedAt = options.signedAt ?? new Date();
  const signature = new Webhook(options.secret ?? SECRET).sign(id, signedAt, payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const all = { 'svix-id': id, 'svix-timestamp': String(Math.floor(signedAt.getTime() / 1000)), 'svix-signature': signature, ...options.headers };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) headers[name] = value;
  return POST(new Request(URL, { method: 'POST', headers, body: options.body ?? payload }));
}

const eventRows = () => getDb().select().from(emailProviderEvents);

describe('the endpoint', () => {
  it('is off without RESEND_WEBHOOK_SECRET: 404, nothing recorded', async () => {
    vi.stubEnv('RESEND_WEBHOOK_SECRET', '');
    const { emailId } = await sentCampaignEmail();
    const response = await deliver(resendEvent('email.delivered', emailId, '2026-05-04T09:01:00.000Z'));
    expect(response.status).toBe(404);
    expect(await eventRows()).toEqual([]);
  });

  it('refuses what Resend did not sign for this endpoint with a bare 400, and changes nothing', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    const payload = resendEvent('email.bounced', emailId, '2026-05-04T09:01:00.000Z', { bounce: { type: 'Permanent', subType: 'General', message: 'x' } });
    const sixMinutes = 6 * 60_000;
    const refused = [
      await deliver(payload, { secret: `whsec_${randomBytes(24).toString('base64')}` }),
      await deliver(payload, { body: payload.replace('Permanent', 'Permanent ') }),
      await deliver(payload, { headers: { 'svix-signature': undefined } }),
      await deliver(payload, { headers: { 'svix-id': undefined } }),
      await deliver(payload, { headers: { 'svix-timestamp': undefined } }),
      // The signature is over the id: another id with the same signature is not signed.
      await deliver(payload, { headers: { 'svix-id': 'msg_other' } }),
      await deliver(payload, { headers: { 'svix-signature': 'v1,AAAA' } }),
      await deliver(payload, { signedAt: new Date(Date.now() - sixMinutes) }),
      await deliver(payload, { signedAt: new Date(Date.now() + sixMinutes) }),
      await deliver('not json', {}),
    ];
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad request' });
    }
    expect(await eventRows()).toEqual([]);
    expect(await suppressionOf(getDb(), w.clinic.id, 'email', w.maria.email!)).toBeNull();
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'sent' });
  });

  it('takes a signature made up to 5 minutes off the clock, either way', async () => {
    const { emailId } = await sentCampaignEmail();
    const fourMinutes = 4 * 60_000;
    expect((await deliver(resendEvent('email.opened', emailId, '2026-05-04T09:02:00.000Z'), { signedAt: new Date(Date.now() - fourMinutes) })).status).toBe(200);
    expect((await deliver(resendEvent('email.clicked', emailId, '2026-05-04T09:03:00.000Z'), { signedAt: new Date(Date.now() + fourMinutes) })).status).toBe(200);
    expect(await eventRows()).toHaveLength(2);
  });

  it('answers 200 to events it does not act on, and records none of them', async () => {
    const { emailId } = await sentCampaignEmail();
    for (const type of ['email.sent', 'email.delivery_delayed', 'contact.created']) {
      expect((await deliver(resendEvent(type, emailId, '2026-05-04T09:01:00.000Z'))).status).toBe(200);
    }
    expect(await eventRows()).toEqual([]);
  });

  it('stores the type, time and bounce kind only: no address, subject or link', async () => {
    const { emailId } = await sentCampaignEmail();
    await deliver(resendEvent('email.clicked', emailId, '2026-05-04T09:03:00.000Z', { click: { link: 'https://sunrise.test/offer?p=1', ipAddress: '203.0.113.9', userAgent: 'Mail', timestamp: '2026-05-04T09:03:00.000Z' } }));
    const [row] = await eventRows();
    expect(row).toMatchObject({ provider: 'resend', type: 'clicked', providerMessageId: emailId, receivedAt: T0, processedAt: T0 });
    expect(row!.payload).toEqual({ type: 'email.clicked', created_at: '2026-05-04T09:03:00.000Z' });
    const stored = JSON.stringify(row);
    for (const secret of [w.maria.email!, 'Spring offers', 'sunrise.test/offer', '203.0.113.9']) expect(stored).not.toContain(secret);
  });
});

describe('recorded once', () => {
  it('a repeat of an event answers 200 and changes nothing', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    const id = 'msg_delivered_once';
    expect((await deliver(resendEvent('email.delivered', emailId, '2026-05-04T09:01:00.000Z'), { id })).status).toBe(200);
    // Resend's retry carries the same svix-id; even a body that says otherwise is not applied again.
    expect((await deliver(resendEvent('email.delivered', emailId, '2026-05-04T09:30:00.000Z'), { id })).status).toBe(200);
    expect(await eventRows()).toHaveLength(1);
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'delivered', deliveredAt: new Date('2026-05-04T09:01:00.000Z') });
  });

  it('two deliveries of one event at once: one row, one suppression, one audit entry, both answered 200', async () => {
    const { emailId, outboxId } = await sentCampaignEmail();
    const payload = resendEvent('email.bounced', emailId, '2026-05-04T09:01:00.000Z', { bounce: { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' } });
    const responses = await Promise.all(Array.from({ length: 4 }, () => deliver(payload, { id: 'msg_bounce_race' })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await eventRows()).toHaveLength(1);
    const audits = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'engagement.address_suppressed')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: 'system', patientId: w.maria.id, targetType: 'outbox_message', targetId: outboxId, details: { channel: 'email', reason: 'bounced' } });
    expect(JSON.stringify(audits[0])).not.toContain(w.maria.email!);
  });
});

describe('what the events change', () => {
  it("delivered, opened, clicked: the recipient's report keeps the first of each", async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    await deliver(resendEvent('email.delivered', emailId, '2026-05-04T09:01:00.000Z'));
    await deliver(resendEvent('email.opened', emailId, '2026-05-04T10:00:00.000Z'));
    await deliver(resendEvent('email.opened', emailId, '2026-05-04T11:00:00.000Z'));
    await deliver(resendEvent('email.clicked', emailId, '2026-05-04T12:00:00.000Z'));
    await deliver(resendEvent('email.clicked', emailId, '2026-05-04T13:00:00.000Z'));
    expect(await recipientRow(recipient.id)).toMatchObject({
      status: 'delivered', sentAt: T0, deliveredAt: new Date('2026-05-04T09:01:00.000Z'),
      openedAt: new Date('2026-05-04T10:00:00.000Z'), clickedAt: new Date('2026-05-04T12:00:00.000Z'),
    });
    expect(await eventRows()).toHaveLength(5);
  });

  it('a click with no open reported counts as the open too', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    await deliver(resendEvent('email.clicked', emailId, '2026-05-04T12:00:00.000Z'));
    expect(await recipientRow(recipient.id)).toMatchObject({ openedAt: new Date('2026-05-04T12:00:00.000Z'), clickedAt: new Date('2026-05-04T12:00:00.000Z') });
  });

  it('a hard bounce suppresses the address for the clinic: the next email to it is held back, care included; another clinic still writes to it', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    const response = await deliver(resendEvent('email.bounced', emailId, '2026-05-04T09:01:00.000Z', { bounce: { type: 'Permanent', subType: 'General', message: 'no such user' } }));
    expect(response.status).toBe(200);
    expect(await suppressionOf(getDb(), w.clinic.id, 'email', w.maria.email!)).toBe('bounced');
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'failed', deliveredAt: null });

    const other = await createConsentClinic();
    await enqueueMessage(getDb(), { tenantId: w.clinic.id, channel: 'email', recipient: w.maria.email!.toUpperCase(), subject: 'Your visit', body: 'See you.', idempotencyKey: 'care:after-bounce' });
    await enqueueMessage(getDb(), { tenantId: other.clinic.id, channel: 'email', recipient: w.maria.email!, subject: 'Your visit', body: 'See you.', idempotencyKey: 'care:other-clinic' });
    const resend = new ResendLike();
    expect(await dispatchDueMessages({ email: resend })).toEqual({ sent: 1, retried: 0, dead: 0, suppressed: 1 });
    expect([...resend.ids.keys()]).toEqual(['care:other-clinic']);
    const [held] = await getDb().select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, 'care:after-bounce'));
    expect(held).toMatchObject({ status: 'suppressed', lastError: 'suppressed at send time: address bounced' });
  });

  it('a temporary bounce suppresses nothing', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    await deliver(resendEvent('email.bounced', emailId, '2026-05-04T09:01:00.000Z', { bounce: { type: 'Transient', subType: 'MailboxFull', message: 'full' } }));
    expect(await suppressionOf(getDb(), w.clinic.id, 'email', w.maria.email!)).toBeNull();
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'sent' });
    expect(await eventRows()).toHaveLength(1);
  });

  it('a complaint suppresses the address (over an earlier unsubscribe)', async () => {
    const { emailId, recipient } = await sentCampaignEmail();
    await suppress(getDb(), w.clinic.id, 'email', w.maria.email!, 'unsubscribed');
    await deliver(resendEvent('email.complained', emailId, '2026-05-04T09:05:00.000Z'));
    expect(await suppressionOf(getDb(), w.clinic.id, 'email', w.maria.email!)).toBe('complained');
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'sent' });
  });

  it('an event about an email the outbox never sent is recorded and changes nothing', async () => {
    const { recipient } = await sentCampaignEmail();
    const before = await getDb().select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id));
    expect((await deliver(resendEvent('email.complained', randomUUID(), '2026-05-04T09:05:00.000Z'))).status).toBe(200);
    expect(await eventRows()).toHaveLength(1);
    expect(await getDb().select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id))).toEqual(before);
    expect(await recipientRow(recipient.id)).toMatchObject({ status: 'sent', deliveredAt: null });
  });
});

describe("the campaign report's unsubscribes", () => {
  it("marks the clinic's campaign recipients sent to the address in the last 30 days", async () => {
    const db = getDb();
    const day = 24 * 60 * 60_000;
    const recent = await createCampaign(w.clinic.id);
    const old = await createCampaign(w.clinic.id);
    const otherClinic = await createConsentClinic();
    const elsewhere = await createCampaign(otherClinic.clinic.id);
    const row = async (tenantId: string, campaignId: string, patientId: string, address: string | null, sentAt: Date | null) => {
      const [r] = await db.insert(campaignRecipients).values({ tenantId, campaignId, patientId, address, status: sentAt ? 'sent' : 'queued', sentAt }).returning();
      return r!.id;
    };
    const maria = await row(w.clinic.id, recent.id, w.maria.id, w.maria.email!, new Date(T0.getTime() - 3 * day));
    // Leo's record has his mother's address, typed with capitals.
    const leo = await row(w.clinic.id, recent.id, w.leo.id, w.leo.email!, new Date(T0.getTime() - 3 * day));
    const nadia = await row(w.clinic.id, recent.id, w.nadia.id, w.nadia.email!, new Date(T0.getTime() - 3 * day));
    const tooOld = await row(w.clinic.id, old.id, w.maria.id, w.maria.email!, new Date(T0.getTime() - 31 * day));
    const notYetSent = await row(w.clinic.id, (await createCampaign(w.clinic.id)).id, w.maria.id, w.maria.email!, null);
    const otherClinics = await row(otherClinic.clinic.id, elsewhere.id, otherClinic.maria.id, w.maria.email!, new Date(T0.getTime() - day));

    expect(await unsubscribeByToken(db, w.clinic, makeUnsubscribeToken(w.clinic.id, w.maria.email!))).toBe(true);
    expect((await recipientRow(maria)).unsubscribedAt).toEqual(T0);
    expect((await recipientRow(leo)).unsubscribedAt).toEqual(T0);
    for (const id of [nadia, tooOld, notYetSent, otherClinics]) expect((await recipientRow(id)).unsubscribedAt).toBeNull();

    // A second click keeps the first time.
    const later = new Date(T0.getTime() + day);
    setClockForTests(() => later);
    await unsubscribeByToken(db, w.clinic, makeUnsubscribeToken(w.clinic.id, w.maria.email!));
    expect((await recipientRow(maria)).unsubscribedAt).toEqual(T0);
  });
});
