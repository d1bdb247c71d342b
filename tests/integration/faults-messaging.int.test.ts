import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET as cronDispatch } from '@/app/api/cron/dispatch/route';
import { getDb } from '@/db/client';
import { outboxMessages, type OutboxMessage } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { SnsSmsSender } from '@/lib/sms/sns-sender';
import { createTestTenant } from '../support/factories';
import { FaultyProvider, type RecordedRequest } from '../support/fault-servers';

/**
 * The real SNS and Resend adapters against local servers that fail on purpose (HTTP 500, no
 * answer past the adapter's deadline, a dropped connection), driven through the outbox
 * dispatcher with a test clock. outbox.int.test.ts covers the dispatcher's rules with
 * in-process fakes; this file checks that what the SDKs really do on such failures ends in
 * retries with backoff and exactly one delivery.
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
const TIMEOUT_MS = 300;

function reply(res: ServerResponse, status: number, contentType: string, body: string) {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const snsProvider = () => new FaultyProvider({
  ok: (_req, res, { id }) => reply(res, 200, 'text/xml', `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
    <PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
  </PublishResponse>`),
  error: (_req, res) => reply(res, 500, 'text/xml', `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
    <Error><Type>Receiver</Type><Code>InternalError</Code><Message>Internal failure</Message></Error><RequestId>r</RequestId>
  </ErrorResponse>`),
  // SNS has no idempotency key: a text is identified by its number and body.
  messageKey: (req: RecordedRequest) => {
    const form = new URLSearchParams(req.body);
    return `${form.get('PhoneNumber')}|${form.get('Message')}`;
  },
});

const resendProvider = () => new FaultyProvider({
  ok: (_req, res, { id }) => reply(res, 200, 'application/json', JSON.stringify({ id })),
  error: (_req, res) => reply(res, 500, 'application/json', JSON.stringify({ statusCode: 500, name: 'internal_server_error', message: 'boom' })),
  // Resend sends a repeated Idempotency-Key only once (for 24 hours).
  idempotencyKey: (req) => req.headers['idempotency-key'] as string | undefined,
  messageKey: (req) => String(req.headers['idempotency-key']),
});

let sns: FaultyProvider;
let resend: FaultyProvider;
let snsUrl: string;
let resendUrl: string;
let smsSender: SnsSmsSender;
let emailSender: ResendEmailSender;
const senders = () => ({ sms: smsSender, email: emailSender });

beforeEach(async () => {
  current = T0;
  setClockForTests(() => current);
  // New servers (new origins) per case: fetch keeps a pool per origin, and a socket the last
  // case's server dropped would fail this case's first request before it reaches the server.
  sns = snsProvider();
  resend = resendProvider();
  snsUrl = await sns.start();
  resendUrl = await resend.start();
  // A stalled request's connection is dropped soon after the adapter gave up on it.
  sns.hangMs = TIMEOUT_MS + 50;
  resend.hangMs = TIMEOUT_MS + 50;
  smsSender = new SnsSmsSender({
    endpoint: snsUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }, timeoutMs: TIMEOUT_MS,
  });
  emailSender = new ResendEmailSender({ apiKey: 're_test_key', from: 'Carebridge <no-reply@example.com>', baseUrl: resendUrl, timeoutMs: TIMEOUT_MS });
});

afterEach(async () => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
  resetMessagingProvidersForTests();
  await sns.stop();
  await resend.stop();
  await getDb().delete(outboxMessages);
});

function email(key = `fault:email:${randomBytes(4).toString('hex')}`) {
  return {
    tenantId, channel: 'email' as const, recipient: `person-${randomBytes(3).toString('hex')}@example.test`,
    subject: 'New document in your portal', body: 'A new document is available. Sign in to view it.', idempotencyKey: key,
  };
}

function sms(key = `fault:sms:${randomBytes(4).toString('hex')}`) {
  return {
    tenantId, channel: 'sms' as const, recipient: `+1555555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
    body: `A new document is in your portal (${key}).`, idempotencyKey: key,
  };
}

async function row(key: string): Promise<OutboxMessage> {
  const [found] = await getDb().select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, key));
  if (!found) throw new Error(`no outbox row for ${key}`);
  return found;
}

describe('Resend failing, then recovering', () => {
  it('500, then no answer past the deadline: the message waits with backoff, then goes out once with the same key', async () => {
    const mail = email();
    await enqueueMessage(getDb(), mail);
    resend.plan = ['error', 'hang', 'ok'];

    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await row(mail.idempotencyKey)).toMatchObject({
      status: 'pending', attempts: 1, nextAttemptAt: addSeconds(T0, 30), lockedUntil: null, lastError: 'Resend: internal_server_error (HTTP 500)',
    });

    // Not due yet: nothing is requested.
    advance(29);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(resend.requests).toHaveLength(1);

    advance(1);
    const started = Date.now();
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(await row(mail.idempotencyKey)).toMatchObject({
      status: 'pending', attempts: 2, nextAttemptAt: addSeconds(current, 120), lastError: `Resend: no answer within ${TIMEOUT_MS} ms`,
    });

    advance(120);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await row(mail.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 3, providerMessageId: 'provider-msg-1', lastError: null });
    expect(resend.deliveries.get(mail.idempotencyKey)).toBe(1);
    expect(resend.requests.map((r) => r.headers['idempotency-key'])).toEqual(Array(3).fill(mail.idempotencyKey));

    advance(24 * 3600);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(resend.requests).toHaveLength(3);
  });

  it('an answer lost after Resend accepted the email: the retry is deduplicated by its key, one email delivered', async () => {
    const mail = email();
    await enqueueMessage(getDb(), mail);
    resend.processesBeforeFailing = true;
    resend.plan = ['hang', 'reset', 'ok'];
    expect(await dispatchDueMessages(senders())).toMatchObject({ retried: 1 });
    advance(30);
    expect(await dispatchDueMessages(senders())).toMatchObject({ retried: 1 });
    // A dropped connection: fetch reports no response (the SDK's application_error) or, when
    // it waits on the broken socket, the deadline ends it.
    expect((await row(mail.idempotencyKey)).lastError).toMatch(/^Resend: (application_error \(HTTP n\/a\)|no answer within 300 ms)$/);
    advance(120);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 1, retried: 0, dead: 0 });

    expect(resend.requests).toHaveLength(3);
    expect(resend.deliveries.get(mail.idempotencyKey)).toBe(1);
    // The id of the email that really went out, not of a deduplicated repeat.
    expect(await row(mail.idempotencyKey)).toMatchObject({ status: 'sent', providerMessageId: 'provider-msg-1' });
  });
});

describe('SNS failing, then recovering', () => {
  it('errors SNS reports: the text waits with backoff each time, then is delivered once', async () => {
    const text = sms();
    await enqueueMessage(getDb(), text);
    sns.plan = ['error', 'error', 'ok'];

    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await row(text.idempotencyKey)).toMatchObject({
      status: 'pending', attempts: 1, nextAttemptAt: addSeconds(T0, 30), lastError: 'SNS: InternalErrorException (HTTP 500)', providerMessageId: null,
    });
    advance(30);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await row(text.idempotencyKey)).toMatchObject({ attempts: 2, nextAttemptAt: addSeconds(current, 120) });
    advance(120);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 1, retried: 0, dead: 0 });

    expect(sns.requests).toHaveLength(3);
    expect(sns.totalDelivered).toBe(1);
    expect(await row(text.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 3, providerMessageId: 'provider-msg-1' });
    advance(24 * 3600);
    expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 0, dead: 0 });
  });

  // SNS may have published a text whose answer never arrived (timeout) or whose connection
  // dropped: SMS has no provider idempotency, so the dispatcher marks the outcome unknown and
  // never sends it again (at most once).
  for (const lost of ['hang', 'reset'] as const) {
    it(`a text SNS accepted but whose answer was lost (${lost}) is not sent again`, async () => {
      const text = sms(`lost:${lost}`);
      await enqueueMessage(getDb(), text);
      sns.processesBeforeFailing = true;
      sns.plan = [lost, 'ok'];

      expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 0, dead: 1 });
      expect(await row(text.idempotencyKey)).toMatchObject({ status: 'dead', lastError: expect.stringContaining('outcome unknown') });
      advance(24 * 3600);
      expect(await dispatchDueMessages(senders())).toEqual({ sent: 0, retried: 0, dead: 0 });
      expect(sns.requests).toHaveLength(1);
      expect(sns.totalDelivered).toBe(1);
    });
  }
});

describe('two dispatchers at once while providers fail and recover', () => {
  it('each message is requested once per attempt, and delivered exactly once after recovery', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 8; i++) {
      const mail = email(`race:email:${i}`);
      const text = sms(`race:sms:${i}`);
      await enqueueMessage(getDb(), mail);
      await enqueueMessage(getDb(), text);
      keys.push(mail.idempotencyKey, text.idempotencyKey);
    }
    resend.fallback = 'error';
    sns.fallback = 'error';
    resend.latencyMs = 20;
    sns.latencyMs = 20;

    const failed = await Promise.all([dispatchDueMessages({ ...senders(), limit: 6 }), dispatchDueMessages({ ...senders(), limit: 6 })]);
    const firstRound = failed[0]!.retried + failed[1]!.retried;
    expect(failed.every((r) => r.sent === 0 && r.dead === 0)).toBe(true);
    // Two runs of six: twelve different messages claimed, none twice.
    expect(firstRound).toBe(12);
    expect(resend.requests.length + sns.requests.length).toBe(12);

    resend.fallback = 'ok';
    sns.fallback = 'ok';
    advance(30);
    let sent = 0;
    for (let round = 0; round < 5 && sent < keys.length; round++) {
      const results = await Promise.all([dispatchDueMessages({ ...senders(), limit: 5 }), dispatchDueMessages({ ...senders(), limit: 5 })]);
      for (const r of results) {
        expect(r.retried + r.dead).toBe(0);
        sent += r.sent;
      }
    }
    expect(sent).toBe(keys.length);
    expect(resend.totalDelivered + sns.totalDelivered).toBe(keys.length);
    expect(Math.max(...resend.deliveries.values(), ...sns.deliveries.values())).toBe(1);
    // Twelve failed requests and sixteen deliveries: no message was requested by both runs.
    expect(resend.requests.length + sns.requests.length).toBe(12 + keys.length);
    const rows = await getDb().select().from(outboxMessages);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
});

describe('the cron route with the providers configured from the environment', () => {
  beforeEach(() => {
    vi.stubEnv('CRON_SECRET', 'cron-test-secret');
    vi.stubEnv('SMS_PROVIDER', 'sns');
    vi.stubEnv('SNS_ENDPOINT', snsUrl);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
    vi.stubEnv('EMAIL_PROVIDER', 'resend');
    vi.stubEnv('RESEND_API_KEY', 're_test_key');
    vi.stubEnv('EMAIL_FROM', 'Carebridge <no-reply@example.com>');
    vi.stubEnv('RESEND_BASE_URL', resendUrl);
    resetMessagingProvidersForTests();
  });

  it('answers 200 with the retry counts while both providers fail, and delivers each message once when they recover', async () => {
    const mail = email();
    const text = sms();
    await enqueueMessage(getDb(), mail);
    await enqueueMessage(getDb(), text);
    resend.fallback = 'error';
    sns.fallback = 'error';
    const run = async () => {
      const response = await cronDispatch(new Request('http://localhost/api/cron/dispatch', { headers: { authorization: 'Bearer cron-test-secret' } }));
      expect(response.status).toBe(200);
      return response.json();
    };

    expect(await run()).toMatchObject({ sent: 0, retried: 2, dead: 0 });
    expect(resend.requests).toHaveLength(1);
    expect(sns.requests).toHaveLength(1);
    expect((await row(mail.idempotencyKey)).status).toBe('pending');
    expect((await row(text.idempotencyKey)).status).toBe('pending');

    resend.fallback = 'ok';
    sns.fallback = 'ok';
    advance(30);
    expect(await run()).toMatchObject({ sent: 2, retried: 0, dead: 0 });
    expect(await run()).toMatchObject({ sent: 0, retried: 0, dead: 0 });
    expect(resend.deliveries.get(mail.idempotencyKey)).toBe(1);
    expect(sns.totalDelivered).toBe(1);
    expect(resend.requests[1]!.headers.authorization).toBe('Bearer re_test_key');
  });
});
