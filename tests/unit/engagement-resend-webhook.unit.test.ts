import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { environmentProblems } from '@/lib/config/environment';
import { readResendWebhook } from '@/lib/engagement/campaigns/resend-webhook';

/**
 * Reading Resend's webhooks (issue 18, point 8): which events are kept, what of them, and what a
 * hard bounce is. Signed with the library the reader verifies with; the route and the database
 * are tested in tests/integration/engagement-email-webhooks.int.test.ts.
 */

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

function signed(body: unknown, id = 'msg_1', secret = SECRET): { raw: string; headers: Headers } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const at = new Date();
  return {
    raw,
    headers: new Headers({ 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': new Webhook(secret).sign(id, at, raw) }),
  };
}

const read = (body: unknown, id?: string) => {
  const { raw, headers } = signed(body, id);
  return readResendWebhook(raw, headers, SECRET);
};

const email = (type: string, data: Record<string, unknown> = {}) => ({
  type, created_at: '2026-05-04T09:01:00.000Z',
  data: { email_id: 're_123', to: ['maria@family.test'], subject: 'Spring offers', from: 'Clinic <a@b.test>', ...data },
});

describe('readResendWebhook', () => {
  it.each([
    ['email.delivered', 'delivered'], ['email.opened', 'opened'], ['email.clicked', 'clicked'], ['email.bounced', 'bounced'], ['email.complained', 'complained'],
  ])('keeps %s as %s, named by the delivery id and the email id', (type, kind) => {
    expect(read(email(type), 'msg_abc')).toEqual({
      ok: true,
      event: expect.objectContaining({ provider: 'resend', eventId: 'msg_abc', type: kind, providerMessageId: 're_123', occurredAt: new Date('2026-05-04T09:01:00.000Z') }),
    });
  });

  it.each(['email.sent', 'email.delivery_delayed', 'email.failed', 'contact.created', 'toString', '__proto__'])('answers genuine but nothing to do for %s', (type) => {
    expect(read(email(type))).toEqual({ ok: true, event: null });
  });

  it('a signed body of an unexpected shape is genuine, with nothing to do', () => {
    expect(read({ type: 'email.delivered' })).toEqual({ ok: true, event: null });
    expect(read({ type: 'email.delivered', data: { email_id: 42 } })).toEqual({ ok: true, event: null });
    expect(read([1, 2])).toEqual({ ok: true, event: null });
  });

  it('only a Permanent bounce is hard', () => {
    const bounce = (type: string) => read(email('email.bounced', { bounce: { type, subType: 'General', message: 'x' } }));
    expect(bounce('Permanent')).toMatchObject({ event: { permanentBounce: true, payload: { type: 'email.bounced', created_at: '2026-05-04T09:01:00.000Z', bounce: { type: 'Permanent', subType: 'General' } } } });
    for (const soft of ['Transient', 'Undetermined', 'permanent']) expect(bounce(soft)).toMatchObject({ event: { permanentBounce: false } });
    expect(read(email('email.bounced'))).toMatchObject({ event: { permanentBounce: false } });
    expect(read(email('email.complained'))).toMatchObject({ event: { permanentBounce: false } });
  });

  it('keeps no address, subject, link, IP or bounce message', () => {
    const result = read(email('email.clicked', { click: { link: 'https://x.test/?t=secret', ipAddress: '203.0.113.9', userAgent: 'UA', timestamp: 't' } }));
    const bounced = read(email('email.bounced', { bounce: { type: 'Permanent', subType: 'General', message: '550 maria@family.test unknown' } }));
    for (const kept of [result, bounced]) {
      const text = JSON.stringify(kept);
      for (const secret of ['maria@family.test', 'Spring offers', 'x.test', '203.0.113.9', '550']) expect(text).not.toContain(secret);
    }
  });

  it('refuses another secret, an edited body, and missing headers', () => {
    const { raw, headers } = signed(email('email.delivered'), 'msg_1', `whsec_${randomBytes(24).toString('base64')}`);
    expect(readResendWebhook(raw, headers, SECRET)).toEqual({ ok: false });
    const good = signed(email('email.delivered'));
    expect(readResendWebhook(good.raw.replace('re_123', 're_124'), good.headers, SECRET)).toEqual({ ok: false });
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      const headers = new Headers(good.headers);
      headers.delete(name);
      expect(readResendWebhook(good.raw, headers, SECRET)).toEqual({ ok: false });
    }
  });

  it('refuses an over-long delivery id before anything else', () => {
    expect(read(email('email.delivered'), `msg_${'x'.repeat(300)}`)).toEqual({ ok: false });
  });

  it('throws for a secret that is not one (the deployment, not the sender)', () => {
    const { raw, headers } = signed(email('email.delivered'));
    expect(() => readResendWebhook(raw, headers, 'whsec_')).toThrow();
  });
});

describe('RESEND_WEBHOOK_SECRET in the environment', () => {
  it('is optional and must look like a signing secret', () => {
    expect(environmentProblems({}, ['messaging'])).toEqual([]);
    expect(environmentProblems({ RESEND_WEBHOOK_SECRET: SECRET }, ['messaging'])).toEqual([]);
    expect(environmentProblems({ RESEND_WEBHOOK_SECRET: 're_not_a_secret' }, ['messaging'])).toEqual([
      "RESEND_WEBHOOK_SECRET must be the Resend webhook's signing secret (whsec_…).",
    ]);
  });
});
