import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, outboxMessages, patientConsents, suppressions } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { recordConsent } from '@/lib/engagement/consent';
import { makeUnsubscribeToken, readUnsubscribeToken, UNSUBSCRIBE_URL_PLACEHOLDER, unsubscribeByToken } from '@/lib/engagement/unsubscribe';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from '@/lib/email/types';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { formData, hostFor, invokeAction, invokeRoute } from '../support/action-harness';
import { createConsentClinic, KeptEmail, type ConsentClinic } from '../support/engagement-consent-world';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 18, point 7: a marketing email's one-click unsubscribe. The link's signed token names
 * the clinic and the address; using it (the page's button or RFC 8058's POST) suppresses the
 * address for marketing and records a "no" for every patient of the clinic with that email; from
 * then on the dispatcher holds back marketing to that address at send time while care messages
 * still go. Another clinic's token does nothing.
 */

let w: ConsentClinic;
const T0 = new Date('2026-05-04T09:00:00Z');
let clock = T0;

beforeEach(async () => {
  clock = T0;
  setClockForTests(() => clock);
  w = await createConsentClinic();
  // Both of the family's records said yes to marketing by email; so did the neighbour.
  for (const p of [w.maria, w.leo, w.nadia]) {
    await recordConsent(getDb(), w.clinic.id, { patientId: p.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
  }
});

afterEach(async () => {
  setClockForTests(undefined);
  await getDb().delete(outboxMessages);
});

const suppressionsOf = (tenantId: string) => getDb()
  .select({ channel: suppressions.channel, address: suppressions.address, reason: suppressions.reason })
  .from(suppressions).where(eq(suppressions.tenantId, tenantId));

const marketingAnswer = async (patientId: string) => {
  const [row] = await getDb()
    .select({ granted: patientConsents.granted, source: patientConsents.source })
    .from(patientConsents)
    .where(and(eq(patientConsents.patientId, patientId), eq(patientConsents.channel, 'email'), eq(patientConsents.purpose, 'marketing')))
    .orderBy(patientConsents.recordedAt)
    .then((rows) => rows.slice(-1));
  return row;
};

function marketingEmail(to: string, key: string, extra: { body?: string; html?: string } = {}) {
  return { tenantId: w.clinic.id, channel: 'email' as const, purpose: 'marketing' as const, recipient: to, subject: 'Spring offers', body: extra.body ?? 'Our spring offers.', html: extra.html, idempotencyKey: key };
}

describe('unsubscribing with the token', () => {
  it('suppresses the address for marketing and records a no for everyone of the clinic with that email', async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.maria.email!);
    expect(await unsubscribeByToken(getDb(), w.clinic, token, { ip: '203.0.113.7', userAgent: 'mail client' })).toBe(true);
    expect(await suppressionsOf(w.clinic.id)).toEqual([{ channel: 'email', address: w.maria.email, reason: 'unsubscribed' }]);
    // Leo's record has the same address in other letters' case.
    expect(await marketingAnswer(w.maria.id)).toEqual({ granted: false, source: 'unsubscribe_link' });
    expect(await marketingAnswer(w.leo.id)).toEqual({ granted: false, source: 'unsubscribe_link' });
    expect(await marketingAnswer(w.nadia.id)).toEqual({ granted: true, source: 'portal' });
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'engagement.consent_changed')));
    expect(audit.filter((a) => a.actorKind === 'anonymous').map((a) => a.patientId).sort()).toEqual([w.maria.id, w.leo.id].sort());
    expect(JSON.stringify(audit)).not.toContain(w.maria.email!);
    // Again: nothing more to do, nothing more recorded.
    expect(await unsubscribeByToken(getDb(), w.clinic, token)).toBe(true);
    expect(await getDb().select().from(patientConsents).where(eq(patientConsents.patientId, w.maria.id))).toHaveLength(2);
  });

  it("does nothing with another clinic's token, on either clinic", async () => {
    const other = await createConsentClinic();
    const theirs = makeUnsubscribeToken(other.clinic.id, w.maria.email!);
    expect(await unsubscribeByToken(getDb(), w.clinic, theirs)).toBe(false);
    expect(await unsubscribeByToken(getDb(), w.clinic, 'u1.forged.token.value.sig')).toBe(false);
    expect(await suppressionsOf(w.clinic.id)).toEqual([]);
    expect(await suppressionsOf(other.clinic.id)).toEqual([]);
    expect(await marketingAnswer(w.maria.id)).toEqual({ granted: true, source: 'portal' });
  });
});

describe('at send time', () => {
  it('holds back marketing to an unsubscribed address while its care email goes, and never retries it', async () => {
    await unsubscribeByToken(getDb(), w.clinic, makeUnsubscribeToken(w.clinic.id, w.maria.email!));
    const db = getDb();
    // Enqueued as a campaign might have before the click: the check is when sending.
    await enqueueMessage(db, marketingEmail(w.maria.email!.toUpperCase(), 'campaign:1:maria'));
    await enqueueMessage(db, { tenantId: w.clinic.id, channel: 'email', recipient: w.maria.email!, subject: 'Your visit', body: 'See you tomorrow.', idempotencyKey: 'reminder:1' });
    await enqueueMessage(db, marketingEmail(w.nadia.email!, 'campaign:1:nadia'));
    const email = new KeptEmail();
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 2, retried: 0, dead: 0, suppressed: 1 });
    expect(email.sent.map((m) => m.idempotencyKey).sort()).toEqual(['campaign:1:nadia', 'reminder:1']);
    const [held] = await db.select().from(outboxMessages).where(eq(outboxMessages.idempotencyKey, 'campaign:1:maria'));
    expect(held).toMatchObject({ status: 'suppressed', lockedUntil: null, sentAt: null });
    expect(held!.lastError).toContain('unsubscribed');
    expect(held!.lastError).not.toContain('@');
    clock = addSeconds(clock, 24 * 60 * 60);
    expect(await dispatchDueMessages({ email })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(email.sent).toHaveLength(2);
  });

  it("gives a marketing email the clinic's one-click headers and link, and a care email neither", async () => {
    const db = getDb();
    await enqueueMessage(db, marketingEmail(w.nadia.email!, 'campaign:2:nadia', { html: '<html><body><p>Offers</p></body></html>' }));
    await enqueueMessage(db, { tenantId: w.clinic.id, channel: 'email', recipient: w.nadia.email!, subject: 'Your visit', body: 'See you.', idempotencyKey: 'reminder:2' });
    const email = new KeptEmail();
    await dispatchDueMessages({ email });
    const sent = Object.fromEntries(email.sent.map((m) => [m.idempotencyKey, m])) as Record<string, EmailMessage>;
    const headers = sent['campaign:2:nadia']!.headers!;
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const oneClick = /^<(http[^>]+)>$/.exec(headers['List-Unsubscribe']!)![1]!;
    const url = new URL(oneClick);
    expect(url.host).toBe(hostFor(w.clinic.slug));
    expect(url.pathname).toMatch(/^\/api\/unsubscribe\/u1\./);
    const token = url.pathname.split('/').pop()!;
    expect(readUnsubscribeToken(token)).toEqual({ tenantId: w.clinic.id, channel: 'email', address: w.nadia.email });
    const page = `http://${hostFor(w.clinic.slug)}/portal/unsubscribe/${token}`;
    expect(sent['campaign:2:nadia']!.text).toContain(page);
    expect(sent['campaign:2:nadia']!.html).toMatch(new RegExp(`<a href="${page.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">unsubscribe</a>.*</body>`));
    expect(sent['reminder:2']!.headers).toBeUndefined();
    expect(sent['reminder:2']!.text).toBe('See you.');
  });

  it('puts the link where the message asks for it, and sends a retried marketing email unchanged', async () => {
    const db = getDb();
    await enqueueMessage(db, marketingEmail(w.nadia.email!, 'campaign:3:nadia', { body: `Offers.\nUnsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}` }));
    const attempts: EmailMessage[] = [];
    const flaky: EmailSender = {
      name: 'outbox',
      send: async (message) => {
        attempts.push(message);
        if (attempts.length === 1) throw new EmailDeliveryError('fake: 503', { retryable: true });
        return { providerMessageId: 'email-ok' };
      },
    };
    expect(await dispatchDueMessages({ email: flaky })).toEqual({ sent: 0, retried: 1, dead: 0 });
    clock = addSeconds(clock, 60);
    expect(await dispatchDueMessages({ email: flaky })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(attempts).toHaveLength(2);
    // Resend refuses a reused idempotency key with another body: the retry must be the same email.
    expect(attempts[1]).toEqual(attempts[0]);
    expect(attempts[0]!.text).toMatch(/^Offers\.\nUnsubscribe: http:\/\/[^ ]+\/portal\/unsubscribe\/u1\.[^ ]+$/);
    expect(attempts[0]!.text).not.toContain(UNSUBSCRIBE_URL_PLACEHOLDER);
  });
});

describe('the one-click route (RFC 8058)', () => {
  const oneClick = () => import('@/app/api/unsubscribe/[token]/route');
  const post = async (host: string, token: string, body: string, type = 'application/x-www-form-urlencoded') =>
    invokeRoute({ host }, (await oneClick()).POST, { method: 'POST', path: `/api/unsubscribe/${token}`, params: { token }, body, headers: { 'content-type': type } });

  it("unsubscribes on the clinic's host with List-Unsubscribe=One-Click, signed out", async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.nadia.email!);
    expect(await post(hostFor(w.clinic.slug), token, 'List-Unsubscribe=One-Click')).toMatchObject({ kind: 'response', status: 200 });
    expect(await suppressionsOf(w.clinic.id)).toEqual([{ channel: 'email', address: w.nadia.email, reason: 'unsubscribed' }]);
    expect(await marketingAnswer(w.nadia.id)).toEqual({ granted: false, source: 'unsubscribe_link' });
  });

  it('refuses another body, another clinic\'s host and a forged token, changing nothing', async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.nadia.email!);
    const other = await createConsentClinic();
    expect(await post(hostFor(w.clinic.slug), token, 'List-Unsubscribe=Maybe')).toMatchObject({ kind: 'response', status: 400 });
    expect(await post(hostFor(w.clinic.slug), token, '{"List-Unsubscribe":"One-Click"}', 'application/json')).toMatchObject({ kind: 'response', status: 400 });
    expect(await post(hostFor(other.clinic.slug), token, 'List-Unsubscribe=One-Click')).toMatchObject({ kind: 'response', status: 404 });
    expect(await post(hostFor(w.clinic.slug), `${token.slice(0, -2)}xx`, 'List-Unsubscribe=One-Click')).toMatchObject({ kind: 'response', status: 404 });
    expect(await suppressionsOf(w.clinic.id)).toEqual([]);
    expect(await suppressionsOf(other.clinic.id)).toEqual([]);
  });

  it('sends a browser that opens the address to the page, without unsubscribing', async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.nadia.email!);
    const { GET } = await oneClick();
    const opened = await invokeRoute({ host: hostFor(w.clinic.slug) }, GET, { path: `/api/unsubscribe/${token}`, params: { token } });
    expect(opened).toMatchObject({ kind: 'response', status: 303 });
    expect(opened.kind === 'response' && opened.headers.get('location')).toBe(`/portal/unsubscribe/${token}`);
    expect(await invokeRoute({ host: hostFor(w.clinic.slug) }, GET, { path: '/api/unsubscribe/nope', params: { token: 'nope' } })).toMatchObject({ kind: 'response', status: 404 });
    expect(await suppressionsOf(w.clinic.id)).toEqual([]);
  });
});

describe("the page's button", () => {
  it('unsubscribes and comes back to the page saying so; on another clinic it changes nothing', async () => {
    const { unsubscribeAction } = await import('@/app/t/[tenant]/portal/(public)/unsubscribe/[token]/actions');
    const token = makeUnsubscribeToken(w.clinic.id, w.maria.email!);
    const other = await createConsentClinic();
    const elsewhere = await invokeAction({ host: hostFor(other.clinic.slug), path: `/portal/unsubscribe/${token}` }, unsubscribeAction, formData({ token }));
    expect(elsewhere).toMatchObject({ kind: 'redirect', location: `/portal/unsubscribe/${token}` });
    expect(await suppressionsOf(other.clinic.id)).toEqual([]);
    expect(await suppressionsOf(w.clinic.id)).toEqual([]);

    const done = await invokeAction({ host: hostFor(w.clinic.slug), path: `/portal/unsubscribe/${token}` }, unsubscribeAction, formData({ token }));
    expect(done).toMatchObject({ kind: 'redirect', location: `/portal/unsubscribe/${token}?done=1` });
    expect(await suppressionsOf(w.clinic.id)).toEqual([{ channel: 'email', address: w.maria.email, reason: 'unsubscribed' }]);
    expect(await marketingAnswer(w.leo.id)).toEqual({ granted: false, source: 'unsubscribe_link' });
  });
});
