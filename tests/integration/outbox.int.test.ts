import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET, POST } from '@/app/api/cron/dispatch/route';
import { getDb } from '@/db/client';
import { devOutboxMessages, outboxMessages, type OutboxMessage } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from '@/lib/email/types';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { OUTBOX_MAX_ATTEMPTS, SMS_HANDOFF_MARK, dispatchDueMessages, dispatchSoon } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import type { SmsMessage, SmsSender } from '@/lib/sms/types';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';

/**
 * The transactional outbox: enqueue inside the caller's transaction, deliver with retries and
 * backoff, exactly one delivery under two dispatchers and after a dispatcher dies mid-send.
 * On Postgres (TEST_DATABASE_URL) the two dispatchers really run on two connections.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
let current = T0;
const advance = (seconds: number) => {
  current = addSeconds(current, seconds);
};

// Every outbox message is a clinic's (keyed by tenant_id since migration 0016).
let tenantId: string;
beforeAll(async () => {
  tenantId = (await createTestTenant()).id;
});

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});

afterEach(async () => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
  // Each case starts with an empty outbox; rows left 'sending' by a simulated crash would
  // otherwise be picked up by the next case's dispatcher.
  await getDb().delete(outboxMessages);
});

/**
 * A Resend stand-in: a repeated idempotency key answers with the first email's id and
 * delivers nothing (as Resend does for 24 hours). `calls` counts every request.
 */
class FakeEmail implements EmailSender {
  readonly name = 'outbox' as const;
  readonly calls: EmailMessage[] = [];
  readonly delivered: EmailMessage[] = [];
  private readonly idsByKey = new Map<string, string>();
  failure: 'none' | 'retryable' | 'permanent' = 'none';
  /** Time each request takes, to widen race windows. */
  delayMs = 0;

  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    this.calls.push(message);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failure !== 'none') {
      throw new EmailDeliveryError('fake: service unavailable (HTTP 503)', { retryable: this.failure === 'retryable' });
    }
    const known = message.idempotencyKey ? this.idsByKey.get(message.idempotencyKey) : undefined;
    if (known) return { providerMessageId: known };
    this.delivered.push(message);
    const id = `email-${this.delivered.length}`;
    if (message.idempotencyKey) this.idsByKey.set(message.idempotencyKey, id);
    return { providerMessageId: id };
  }
}

/** An SMS fake whose requests take a while, so two dispatchers overlap. */
class SlowSms implements SmsSender {
  readonly name = 'outbox' as const;
  constructor(private readonly inner: FakeSms, private readonly delayMs: number) {}

  async send(message: SmsMessage) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.send(message);
  }
}

/**
 * The provider accepts the message, then the dispatcher's process dies: the promise never
 * settles, so nothing after the provider call runs (as after a kill or a function timeout).
 */
function dyingAfterSend<S extends SmsSender | EmailSender>(inner: S): S {
  return {
    name: inner.name,
    send: async (message: SmsMessage & EmailMessage) => {
      await inner.send(message);
      return new Promise<never>(() => {});
    },
  } as unknown as S;
}

/** The provider accepts the message, then the call fails with an error that is not the provider's. */
function throwingAfterSend<S extends SmsSender | EmailSender>(inner: S): S {
  return {
    name: inner.name,
    send: async (message: SmsMessage & EmailMessage) => {
      await inner.send(message);
      throw new TypeError('socket closed after the response');
    },
  } as unknown as S;
}

function emailMessage(key = `test:${randomBytes(4).toString('hex')}`) {
  return {
    tenantId,
    channel: 'email' as const,
    recipient: `person-${randomBytes(3).toString('hex')}@example.test`,
    subject: 'New document in your Sunrise portal',
    body: 'A new document is available. Sign in to view it.',
    idempotencyKey: key,
  };
}

function smsMessage(key = `test:${randomBytes(4).toString('hex')}`) {
  return {
    tenantId,
    channel: 'sms' as const,
    recipient: `+1555555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
    body: 'A new document is available in your Sunrise portal. Sign in to view it.',
    idempotencyKey: key,
  };
}

async function rowByKey(key: string): Promise<OutboxMessage> {
  const [row] = await getDb().select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, key));
  if (!row) throw new Error(`no outbox row for ${key}`);
  return row;
}

describe('enqueueMessage', () => {
  it('writes nothing when the surrounding transaction rolls back', async () => {
    const message = emailMessage();
    await expect(getDb().transaction(async (tx) => {
      expect(await enqueueMessage(tx, message)).toBe(true);
      throw new Error('the change failed after the message was queued');
    })).rejects.toThrow('the change failed');

    expect(await getDb().select().from(outboxMessages)).toEqual([]);
  });

  it('queues a message once per idempotency key', async () => {
    const message = emailMessage();
    expect(await enqueueMessage(getDb(), message)).toBe(true);
    expect(await enqueueMessage(getDb(), { ...message, body: 'a second attempt at the same event' })).toBe(false);

    const rows = await getDb().select().from(outboxMessages);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0, body: message.body, nextAttemptAt: T0 });
  });

  it('refuses an email without a subject', async () => {
    await expect(enqueueMessage(getDb(), { ...emailMessage(), subject: undefined })).rejects.toThrow('subject');
  });
});

describe('dispatchDueMessages', () => {
  it('sends a message exactly once, with its idempotency key, and marks it sent', async () => {
    const email = new FakeEmail();
    const sms = new FakeSms();
    const mail = emailMessage();
    const text = smsMessage();
    await enqueueMessage(getDb(), { ...mail, attachments: [{ filename: 'a.txt', content: 'aGk=', contentType: 'text/plain' }] });
    await enqueueMessage(getDb(), text);

    expect(await dispatchDueMessages({ email, sms })).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(email.calls).toEqual([{
      to: mail.recipient,
      subject: mail.subject,
      text: mail.body,
      attachments: [{ filename: 'a.txt', content: 'aGk=', contentType: 'text/plain' }],
      idempotencyKey: mail.idempotencyKey,
      fromName: expect.stringMatching(/^Clinic /), // the clinic's name as the sender
    }]);
    expect(sms.sent).toEqual([{ to: text.recipient, body: text.body, idempotencyKey: text.idempotencyKey }]);
    expect(await rowByKey(mail.idempotencyKey)).toMatchObject({
      status: 'sent', attempts: 1, sentAt: T0, providerMessageId: 'email-1', lockedUntil: null, lastError: null,
    });
    expect(await rowByKey(text.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: 'fake-1' });

    // Nothing is sent again.
    advance(24 * 3600);
    expect(await dispatchDueMessages({ email, sms })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(email.calls).toHaveLength(1);
    expect(sms.sent).toHaveLength(1);
  });

  it('after a request (excludeMarketing) sends its own messages and leaves a campaign’s backlog to the worker', async () => {
    const email = new FakeEmail();
    const sms = new FakeSms();
    const campaign = Array.from({ length: 3 }, () => ({ ...emailMessage(), purpose: 'marketing' as const }));
    for (const m of campaign) await enqueueMessage(getDb(), m);
    const receipt = emailMessage();
    await enqueueMessage(getDb(), receipt);
    expect(await dispatchDueMessages({ email, sms, excludeMarketing: true })).toMatchObject({ sent: 1 });
    expect(email.calls.map((c) => c.idempotencyKey)).toEqual([receipt.idempotencyKey]);
    for (const m of campaign) expect(await rowByKey(m.idempotencyKey)).toMatchObject({ status: 'pending', attempts: 0 });
    // The worker's run takes everything due.
    const all = await dispatchDueMessages({ email, sms });
    expect(all.sent + (all.suppressed ?? 0) + (all.held ?? 0)).toBe(3);
    for (const m of campaign) expect((await rowByKey(m.idempotencyKey)).status).not.toBe('pending');
  });

  it('backs off after a retryable failure and delivers once when the provider recovers', async () => {
    const email = new FakeEmail();
    email.failure = 'retryable';
    const mail = emailMessage();
    await enqueueMessage(getDb(), mail);

    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 1, dead: 0 });
    const failed = await rowByKey(mail.idempotencyKey);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: addSeconds(T0, 30), lockedUntil: null });
    expect(failed.lastError).toBe('fake: service unavailable (HTTP 503)');

    // Not due yet.
    advance(29);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(email.calls).toHaveLength(1);

    advance(1);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect((await rowByKey(mail.idempotencyKey)).nextAttemptAt).toEqual(addSeconds(current, 120));

    email.failure = 'none';
    advance(120);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(email.calls).toHaveLength(3);
    expect(email.delivered).toHaveLength(1);
    expect(await rowByKey(mail.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it(`gives up after ${OUTBOX_MAX_ATTEMPTS} attempts with the backoff schedule, keeping no recipient or body in the error`, async () => {
    const sms = new FakeSms();
    sms.failing = true;
    const text = smsMessage();
    await enqueueMessage(getDb(), text);

    const waits: number[] = [];
    for (let attempt = 1; attempt < OUTBOX_MAX_ATTEMPTS; attempt++) {
      expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 1, dead: 0 });
      const row = await rowByKey(text.idempotencyKey);
      const wait = (row.nextAttemptAt.getTime() - current.getTime()) / 1000;
      waits.push(wait);
      current = row.nextAttemptAt;
    }
    expect(waits).toEqual([30, 120, 600, 3600, 21600, 21600, 21600]);

    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 0, dead: 1 });
    const dead = await rowByKey(text.idempotencyKey);
    expect(dead).toMatchObject({ status: 'dead', attempts: OUTBOX_MAX_ATTEMPTS, lockedUntil: null, providerMessageId: null });
    expect(dead.lastError).toContain(`gave up after ${OUTBOX_MAX_ATTEMPTS} attempts`);
    expect(dead.lastError).not.toContain(text.recipient);
    expect(dead.lastError).not.toContain(text.body);

    advance(7 * 24 * 3600);
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sms.failedAttempts).toBe(OUTBOX_MAX_ATTEMPTS);
  });

  it('marks a message dead at once when the provider refuses it for good', async () => {
    const email = new FakeEmail();
    email.failure = 'permanent';
    const mail = emailMessage();
    await enqueueMessage(getDb(), mail);

    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await rowByKey(mail.idempotencyKey)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'fake: service unavailable (HTTP 503)' });
  });

  it('delivers each message exactly once when two dispatchers run at the same time', async () => {
    const email = new FakeEmail();
    email.delayMs = 5;
    const fakeSms = new FakeSms();
    const sms = new SlowSms(fakeSms, 5);
    const keys: string[] = [];
    for (let i = 0; i < 25; i++) {
      const mail = emailMessage(`race:email:${i}`);
      const text = smsMessage(`race:sms:${i}`);
      await enqueueMessage(getDb(), mail);
      await enqueueMessage(getDb(), text);
      keys.push(mail.idempotencyKey, text.idempotencyKey);
    }

    let sent = 0;
    for (let round = 0; round < 10 && sent < keys.length; round++) {
      const results = await Promise.all([
        dispatchDueMessages({ email, sms, limit: 8 }),
        dispatchDueMessages({ email, sms, limit: 8 }),
      ]);
      for (const r of results) {
        expect(r.retried + r.dead).toBe(0);
        sent += r.sent;
      }
    }

    expect(sent).toBe(keys.length);
    // Every provider request, not only deliveries: the email fake would hide a second request.
    const requested = [...email.calls, ...fakeSms.sent].map((m) => m.idempotencyKey).sort();
    expect(requested).toEqual([...keys].sort());
    const rows = await getDb().select().from(outboxMessages);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('gives rows back, without spending an attempt, when a run falls behind its lease', async () => {
    // Each request takes 95 s of (test) time, so after the first one the remaining claimed
    // rows have less than 30 s of lease left: too little to hand them to a provider.
    const email = new FakeEmail();
    const slow: EmailSender = {
      name: 'outbox',
      send: (message) => {
        advance(95);
        return email.send(message);
      },
    };
    for (let i = 0; i < 3; i++) await enqueueMessage(getDb(), emailMessage(`lease:${i}`));

    expect(await dispatchDueMessages({ email: slow })).toEqual({ sent: 1, retried: 0, dead: 0 });
    const rows = await getDb().select().from(outboxMessages);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'pending' && r.attempts === 0 && r.lockedUntil === null)).toHaveLength(2);

    expect(await dispatchDueMessages({ email })).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(email.delivered).toHaveLength(3);
  });
});

describe('a dispatcher that dies after the provider accepted a message', () => {
  it('email: the next run sends again with the same key, and the provider delivers only once', async () => {
    const email = new FakeEmail();
    const mail = emailMessage();
    await enqueueMessage(getDb(), mail);

    void dispatchDueMessages({ email: dyingAfterSend(email) });
    await vi.waitFor(() => expect(email.delivered).toHaveLength(1));
    expect(await rowByKey(mail.idempotencyKey)).toMatchObject({ status: 'sending', attempts: 1, providerMessageId: null });

    // While the dead run's lease lasts, nobody touches the row.
    advance(60);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(email.calls).toHaveLength(1);

    advance(61);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(email.calls.map((m) => m.idempotencyKey)).toEqual([mail.idempotencyKey, mail.idempotencyKey]);
    expect(email.delivered).toHaveLength(1);
    expect(await rowByKey(mail.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: 'email-1' });
  });

  it('SMS (no provider idempotency): the next run does not text again; the row is dead with an "outcome unknown" reason', async () => {
    const sms = new FakeSms();
    const text = smsMessage();
    await enqueueMessage(getDb(), text);

    void dispatchDueMessages({ sms: dyingAfterSend(sms) });
    await vi.waitFor(() => expect(sms.sent).toHaveLength(1));
    expect(await rowByKey(text.idempotencyKey)).toMatchObject({ status: 'sending', providerMessageId: SMS_HANDOFF_MARK });

    advance(121);
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 0, dead: 1 });
    advance(24 * 3600);
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 0, dead: 0 });

    expect(sms.sent).toHaveLength(1);
    const row = await rowByKey(text.idempotencyKey);
    expect(row).toMatchObject({ status: 'dead', providerMessageId: SMS_HANDOFF_MARK });
    expect(row.lastError).toMatch(/^SMS outcome unknown/);
  });

  it('a run that dies after claiming but before handing an SMS over leaves it to be sent normally', async () => {
    const sms = new FakeSms();
    const text = smsMessage();
    await enqueueMessage(getDb(), text);
    // Claimed (as the claim statement leaves it), then the process died before the hand-off.
    await getDb().update(outboxMessages)
      .set({ status: 'sending', attempts: 1, lockedUntil: addSeconds(T0, 120) })
      .where(eq(outboxMessages.idempotencyKey, text.idempotencyKey));

    advance(121);
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(sms.sent).toHaveLength(1);
  });

  it('an unexpected error after the provider accepted: email is retried under its key, SMS is not resent', async () => {
    const email = new FakeEmail();
    const sms = new FakeSms();
    const mail = emailMessage();
    const text = smsMessage();
    await enqueueMessage(getDb(), mail);
    await enqueueMessage(getDb(), text);

    expect(await dispatchDueMessages({ email: throwingAfterSend(email), sms: throwingAfterSend(sms) }))
      .toEqual({ sent: 0, retried: 1, dead: 1 });
    expect((await rowByKey(mail.idempotencyKey)).lastError).toBe('unexpected failure (TypeError)');

    advance(30);
    expect(await dispatchDueMessages({ email, sms })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(email.delivered).toHaveLength(1);
    expect(sms.sent).toHaveLength(1);
    expect((await rowByKey(text.idempotencyKey)).lastError).toMatch(/^SMS outcome unknown \(TypeError\)/);
  });
});

describe('dispatchSoon', () => {
  it('does nothing outside a Next request (the cron route delivers instead)', async () => {
    await enqueueMessage(getDb(), emailMessage());
    expect(() => dispatchSoon()).not.toThrow();
    expect((await getDb().select().from(outboxMessages))[0]!.status).toBe('pending');
  });
});

describe('GET/POST /api/cron/dispatch', () => {
  const url = 'http://localhost/api/cron/dispatch';

  beforeEach(() => {
    vi.stubEnv('CRON_SECRET', 'cron-test-secret');
    // The development providers: messages land in dev_outbox_messages.
    vi.stubEnv('SMS_PROVIDER', 'outbox');
    vi.stubEnv('EMAIL_PROVIDER', 'outbox');
    resetMessagingProvidersForTests();
  });
  afterEach(() => {
    resetMessagingProvidersForTests();
  });

  it('answers 401 without the bearer secret and sends nothing', async () => {
    const mail = emailMessage();
    await enqueueMessage(getDb(), mail);

    for (const authorization of [undefined, 'Bearer wrong', 'cron-test-secret', 'Bearer cron-test-secretx', 'Bearer dev-only-cron-secret']) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const response = await GET(new Request(url, { headers }));
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect((await POST(new Request(url, { method: 'POST' }))).status).toBe(401);
    expect((await rowByKey(mail.idempotencyKey)).status).toBe('pending');
  });

  it('delivers due messages with the secret and returns the counts', async () => {
    const mail = emailMessage();
    await enqueueMessage(getDb(), mail);

    const response = await GET(new Request(url, { headers: { authorization: 'Bearer cron-test-secret' } }));
    expect(response.status).toBe(200);
    // Every job's counts, by name; the outbox's are this test's (the other jobs may find work the
    // file's earlier tests left, such as clinics without the built-in automations).
    const counts = (await response.json()) as Record<string, unknown>;
    expect(counts).toMatchObject({ sent: 1, retried: 0, dead: 0 });
    for (const [name, value] of Object.entries(counts)) expect(Number.isSafeInteger(value) && (value as number) >= 0, name).toBe(true);
    expect(Object.keys(counts)).toEqual(expect.arrayContaining(['formsFiled', 'renewalsClaimed', 'eventsMatched', 'runsAdvanced', 'recipientsQueued', 'webhooksDelivered']));
    const captured = await getDb().select().from(devOutboxMessages).where(eq(devOutboxMessages.idempotencyKey, mail.idempotencyKey));
    expect(captured).toHaveLength(1);
    expect(captured[0]).toMatchObject({ channel: 'email', recipient: mail.recipient, subject: mail.subject });

    const again = await POST(new Request(url, { method: 'POST', headers: { authorization: 'Bearer cron-test-secret' } }));
    expect(await again.json()).toMatchObject({ sent: 0, retried: 0, dead: 0 });
  });
});
