import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, outboxMessages, patients, smsMonthlyUsage, staffUsers, type TenantSettings } from '@/db/schema';
import { createChallenge, sendSignInCode } from '@/lib/auth/challenges';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { recordConsent } from '@/lib/engagement/consent';
import { campaignReport } from '@/lib/engagement/campaigns/report';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { lockoutKey } from '@/lib/auth/lockout';
import { startDecoy } from '@/lib/portal-access/decoy';
import { listClinics } from '@/lib/platform/clinics';
import { releaseHeldSmsEverywhere } from '@/lib/sms-spend/release';
import { updateSmsSpendSettings } from '@/lib/sms-spend/settings';
import type { SmsMessage, SmsSender } from '@/lib/sms/types';
import { createCampaign, queueRecipient, recipientRow } from '../support/engagement-campaign-fixtures';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * The SMS spend guard (issue 19 point 3) against real Postgres, with the clock moved by hand:
 * each SMS the provider accepts counts once (outbox and sign-in codes, two dispatchers at once);
 * 80 % tells the clinic's admins once; at 100 % the clinic's policy holds queued messages while
 * codes still go; raising the budget or a new month releases what was held in the last 2 hours;
 * the hourly ceilings refuse codes at request time and defer queued messages at send time; the
 * console and the campaign report read the same numbers.
 */

const T0 = new Date('2026-03-10T09:00:00Z');
let current = T0;
const db = () => getDb();

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(async () => {
  setClockForTests(undefined);
  // The dispatcher claims every clinic's due rows: each case starts with an empty outbox.
  await db().delete(outboxMessages);
});

/** An SMS stand-in whose requests take a while, so two dispatchers overlap. */
class SlowSms implements SmsSender {
  readonly name = 'outbox' as const;
  readonly sent: SmsMessage[] = [];
  async send(message: SmsMessage) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    this.sent.push(message);
    return { providerMessageId: `slow-${this.sent.length}` };
  }
}

type Settings = Partial<Omit<TenantSettings, 'tenantId'>>;

/** A clinic with two active admins, a deactivated one and a marketing user (not an admin). */
async function clinic(settings: Settings = {}) {
  const tenant = await createTestTenant({ settings });
  const admins = [await createStaffContext(tenant, 'admin'), await createStaffContext(tenant, 'admin')];
  await createStaffContext(tenant, 'marketing');
  const gone = await createStaffContext(tenant, 'admin');
  await db().update(staffUsers).set({ status: 'deactivated' }).where(eq(staffUsers.id, gone.actor.id));
  return { tenant, admins, gone };
}

let serial = 0;
const phone = () => `+1555${String(1_000_000 + ++serial).slice(-7)}`;
const SHORT = 'Your visit at the clinic is confirmed.';
// 200 GSM-7 characters: two segments.
const LONG = `Reminder: ${'a'.repeat(190)}`;

async function queue(tenantId: string, options: { count?: number; to?: string; purpose?: 'care' | 'marketing'; body?: string } = {}): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < (options.count ?? 1); i++) {
    const key = `test:${randomUUID()}`;
    await enqueueMessage(db(), { tenantId, channel: 'sms', recipient: options.to ?? phone(), body: options.body ?? SHORT, idempotencyKey: key, purpose: options.purpose ?? 'care' });
    keys.push(key);
  }
  return keys;
}

async function rows(tenantId: string, keys: readonly string[]) {
  const all = await db().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
  return keys.map((key) => all.find((row) => row.idempotencyKey === key)!);
}

async function usage(tenantId: string, month = '2026-03-01') {
  const [row] = await db().select().from(smsMonthlyUsage).where(and(eq(smsMonthlyUsage.tenantId, tenantId), eq(smsMonthlyUsage.month, month)));
  return row ?? null;
}

/** The admins' budget emails queued for the clinic, by kind. */
async function budgetEmails(tenantId: string, kind: 'warning' | 'exhausted') {
  return db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenantId), like(outboxMessages.idempotencyKey, `sms-budget:%:${kind}:%`)));
}

const audits = (tenantId: string, action: string) => db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));

/** A sign-in code for a new person (the per-person hourly limit is 5: a fresh subject each time). */
async function code(tenantId: string, to: string, sms: SmsSender) {
  const challenge = await createChallenge(db(), { tenantId, purpose: 'portal_sign_in', subject: { kind: 'portal_account', id: randomUUID() }, phone: to });
  return sendSignInCode(db(), challenge, sms, 'Test clinic');
}

/** Dispatches until nothing due is left (SMS to `sms`; emails to the dev outbox). */
async function drain(sms: SmsSender) {
  for (let i = 0; i < 10; i++) {
    const result = await dispatchDueMessages({ sms, limit: 100 });
    if (result.sent + result.retried + result.dead + (result.suppressed ?? 0) + (result.held ?? 0) + (result.deferred ?? 0) === 0) return;
  }
}

describe('counting', () => {
  it('counts every accepted SMS once with its segments, with two dispatchers at once, and sign-in codes too', async () => {
    const { tenant } = await clinic();
    await queue(tenant.id, { count: 8, body: SHORT });
    await queue(tenant.id, { count: 6, body: LONG });
    const sms = new SlowSms();
    const [a, b] = await Promise.all([dispatchDueMessages({ sms, limit: 7 }), dispatchDueMessages({ sms, limit: 7 })]);
    await drain(sms);
    expect(a.sent + b.sent).toBeGreaterThan(0);
    expect(sms.sent).toHaveLength(14);
    expect(await usage(tenant.id)).toMatchObject({ sent: 14, segments: 8 + 6 * 2, held: 0, warnedAt: null, exhaustedAt: null });

    const fake = new FakeSms();
    expect((await code(tenant.id, phone(), fake)).ok).toBe(true);
    expect(await usage(tenant.id)).toMatchObject({ sent: 15, segments: 21 });
    // A code the provider refused costs nothing.
    fake.failing = true;
    expect(await code(tenant.id, phone(), fake)).toEqual({ ok: false, error: 'sms-failed' });
    expect(await usage(tenant.id)).toMatchObject({ sent: 15, segments: 21 });
  });

  it('counts in the month of the send (UTC), a new row each month', async () => {
    const { tenant } = await clinic();
    current = new Date('2026-03-31T23:59:00Z');
    await queue(tenant.id);
    await drain(new FakeSms());
    current = new Date('2026-04-01T00:01:00Z');
    await queue(tenant.id, { count: 2 });
    await drain(new FakeSms());
    expect((await usage(tenant.id, '2026-03-01'))?.sent).toBe(1);
    expect((await usage(tenant.id, '2026-04-01'))?.sent).toBe(2);
  });
});

describe('80 % of the budget', () => {
  it('warns the clinic’s active admins once, by email in the clinic’s layout with counts only, under two dispatchers', async () => {
    const { tenant, admins } = await clinic({ smsMonthlyBudget: 20 });
    const numbers = Array.from({ length: 18 }, phone);
    for (const to of numbers) await queue(tenant.id, { to });
    const sms = new SlowSms();
    await Promise.all([dispatchDueMessages({ sms, limit: 9 }), dispatchDueMessages({ sms, limit: 9 })]);
    await drain(sms);
    const month = await usage(tenant.id);
    expect(month).toMatchObject({ sent: 18, exhaustedAt: null });
    expect(month?.warnedAt).toEqual(T0);

    const emails = await budgetEmails(tenant.id, 'warning');
    expect(emails.map((e) => e.recipient).sort()).toEqual(admins.map((a) => a.actor.email).sort());
    for (const email of emails) {
      expect(email.subject).toBe(`${tenant.name}: 80 % of this month’s SMS budget used`);
      expect(email.body).toContain('has sent 16 of the 20 text messages budgeted for March 2026');
      expect(email.body).toContain('/crm/sms');
      expect(email.html).toContain('<!DOCTYPE html>');
      for (const to of numbers) expect(`${email.body}${email.html}`).not.toContain(to);
      expect(email.body).not.toContain(SHORT);
    }
    expect(await audits(tenant.id, 'sms.budget_warning')).toHaveLength(1);
    expect(await budgetEmails(tenant.id, 'exhausted')).toHaveLength(0);
  });
});

describe('100 % of the budget', () => {
  it('codes only: holds care and marketing texts (not an attempt, counted as held), tells the admins once; codes still go', async () => {
    const { tenant, admins } = await clinic({ smsMonthlyBudget: 3, smsBudgetPolicy: 'codes_only' });
    await queue(tenant.id, { count: 3 });
    const sms = new FakeSms();
    await drain(sms);
    expect(await usage(tenant.id)).toMatchObject({ sent: 3, warnedAt: T0, exhaustedAt: T0 });
    // Both marks crossed at once: the "used up" email alone.
    expect(await budgetEmails(tenant.id, 'warning')).toHaveLength(0);
    expect((await budgetEmails(tenant.id, 'exhausted')).map((e) => e.recipient).sort()).toEqual(admins.map((a) => a.actor.email).sort());

    current = addSeconds(T0, 60);
    const held = await queue(tenant.id, { count: 1, purpose: 'care' });
    const marketing = await queue(tenant.id, { count: 1, purpose: 'marketing' });
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 0, held: 2 });
    for (const row of await rows(tenant.id, [...held, ...marketing])) {
      expect(row).toMatchObject({ status: 'held', lastError: 'sms_budget', attempts: 0, nextAttemptAt: current, lockedUntil: null });
    }
    expect(await usage(tenant.id)).toMatchObject({ sent: 3, held: 2 });
    expect(sms.sent).toHaveLength(3);

    // A sign-in code goes past the budget, and counts.
    expect((await code(tenant.id, phone(), sms)).ok).toBe(true);
    expect(sms.sent).toHaveLength(4);
    expect(await usage(tenant.id)).toMatchObject({ sent: 4, held: 2 });
    // Held messages are not claimed again, and the admins are not told again.
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await budgetEmails(tenant.id, 'exhausted')).toHaveLength(2);
    expect(await audits(tenant.id, 'sms.budget_exhausted')).toHaveLength(1);
  });

  it('codes and care: care texts keep going past the budget, marketing is held', async () => {
    const { tenant } = await clinic({ smsMonthlyBudget: 1, smsBudgetPolicy: 'codes_and_care' });
    await queue(tenant.id);
    const sms = new FakeSms();
    await drain(sms);
    const care = await queue(tenant.id, { purpose: 'care' });
    const marketing = await queue(tenant.id, { purpose: 'marketing' });
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 1, held: 1 });
    expect((await rows(tenant.id, [...care, ...marketing])).map((r) => r.status)).toEqual(['sent', 'held']);
    expect(await usage(tenant.id)).toMatchObject({ sent: 2, held: 1 });
  });

  it('a campaign’s held text counts as held in its report, not as handed over', async () => {
    const { tenant, admins } = await clinic({ smsMonthlyBudget: 1 });
    await queue(tenant.id);
    await drain(new FakeSms());
    const [patient] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'S-1', firstName: 'Ana', lastName: 'Ruiz', dateOfBirth: '1990-01-01' }).returning();
    await recordConsent(db(), tenant.id, { patientId: patient!.id, channel: 'sms', purpose: 'marketing', granted: true, source: 'portal' });
    const campaign = await createCampaign(tenant.id, 'sms');
    const { recipient } = await queueRecipient(campaign, patient!, phone());
    expect(await dispatchDueMessages({ sms: new FakeSms() })).toMatchObject({ held: 1 });
    expect((await recipientRow(recipient.id)).status).toBe('queued');
    expect(await campaignReport(db(), admins[0]!, campaign.id)).toMatchObject({ handedOver: 0, heldAtSend: 1, sent: 0 });
  });
});

describe('releasing held messages', () => {
  it('raising the budget releases the fresh held messages it has room for, oldest first; those held over 2 hours stay held', async () => {
    const { tenant, admins } = await clinic({ smsMonthlyBudget: 2 });
    const sms = new FakeSms();
    await queue(tenant.id, { count: 2 });
    await drain(sms);
    const stale = await queue(tenant.id);
    await drain(sms);
    current = addSeconds(T0, 3 * 3600);
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) {
      current = addSeconds(current, 60);
      fresh.push(...(await queue(tenant.id)));
      await drain(sms);
    }
    expect(await usage(tenant.id)).toMatchObject({ sent: 2, held: 4 });

    const result = await updateSmsSpendSettings(db(), admins[0]!, { monthlyBudget: 4, budgetPolicy: 'codes_only', perPhoneHourly: 10, perClinicHourly: 1000 });
    expect(result).toEqual({ changed: true, released: 2 });
    expect((await rows(tenant.id, [...stale, ...fresh])).map((r) => r.status)).toEqual(['held', 'pending', 'pending', 'held']);
    // The marks the new budget no longer reaches are cleared, so the admins hear again.
    expect(await usage(tenant.id)).toMatchObject({ held: 2, warnedAt: null, exhaustedAt: null });
    expect(await audits(tenant.id, 'sms.held_released')).toHaveLength(1);

    await drain(sms);
    expect(await usage(tenant.id)).toMatchObject({ sent: 4, held: 2, exhaustedAt: current });
    expect(await budgetEmails(tenant.id, 'exhausted')).toHaveLength(4);

    // Care past the budget now: the last fresh one goes; the stale one never does.
    await updateSmsSpendSettings(db(), admins[0]!, { monthlyBudget: 4, budgetPolicy: 'codes_and_care', perPhoneHourly: 10, perClinicHourly: 1000 });
    await drain(sms);
    expect((await rows(tenant.id, [...stale, ...fresh])).map((r) => r.status)).toEqual(['held', 'sent', 'sent', 'sent']);
    expect(await usage(tenant.id)).toMatchObject({ sent: 5, held: 1 });
  });

  it('a new month releases what was held in the last 2 hours of the old one (the job), counted in the new month', async () => {
    const { tenant } = await clinic({ smsMonthlyBudget: 2 });
    const sms = new FakeSms();
    current = new Date('2026-03-31T21:00:00Z');
    await queue(tenant.id, { count: 2 });
    await drain(sms);
    const early = await queue(tenant.id);
    await drain(sms);
    current = new Date('2026-03-31T23:30:00Z');
    const late = await queue(tenant.id);
    await drain(sms);
    expect(await usage(tenant.id)).toMatchObject({ sent: 2, held: 2 });
    // Still March: nothing to release.
    expect(await releaseHeldSmsEverywhere(db())).toEqual({ smsReleased: 0 });

    current = new Date('2026-04-01T00:05:00Z');
    expect(await releaseHeldSmsEverywhere(db())).toEqual({ smsReleased: 1 });
    expect(await releaseHeldSmsEverywhere(db())).toEqual({ smsReleased: 0 });
    await drain(sms);
    expect((await rows(tenant.id, [...early, ...late])).map((r) => r.status)).toEqual(['held', 'sent']);
    expect(await usage(tenant.id, '2026-03-01')).toMatchObject({ sent: 2, held: 1 });
    expect(await usage(tenant.id, '2026-04-01')).toMatchObject({ sent: 1, held: 0, warnedAt: null, exhaustedAt: null });
  });
});

describe('hourly ceilings', () => {
  it('per phone: a code beyond it is refused as "too many codes" (other numbers unaffected), audited once with the number masked; the next hour it goes', async () => {
    const { tenant } = await clinic({ smsPerPhoneHourly: 2 });
    const sms = new FakeSms();
    const shared = phone();
    // A code the provider refused takes nothing from the ceiling.
    sms.failing = true;
    expect(await code(tenant.id, shared, sms)).toEqual({ ok: false, error: 'sms-failed' });
    sms.failing = false;
    expect((await code(tenant.id, shared, sms)).ok).toBe(true);
    expect((await code(tenant.id, shared, sms)).ok).toBe(true);
    const refused = await code(tenant.id, shared, sms);
    expect(refused).toMatchObject({ ok: false, error: 'too-many-codes' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBe(3600);
    expect((await code(tenant.id, shared, sms)).ok).toBe(false);
    expect((await code(tenant.id, phone(), sms)).ok).toBe(true);
    expect(sms.sent).toHaveLength(3);

    const [entry, ...more] = await audits(tenant.id, 'sms.ceiling_reached');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({ actorKind: 'system', outcome: 'denied' });
    expect(entry!.details).toMatchObject({ scope: 'phone', limitPerHour: 2, effect: 'codes refused', phone: `+1${'•'.repeat(8)}${shared.slice(-2)}` });
    expect(JSON.stringify(entry!.details)).not.toContain(shared.slice(2));

    current = addSeconds(T0, 3600);
    expect((await code(tenant.id, shared, sms)).ok).toBe(true);
  });

  it('per clinic: codes beyond it are refused, and so is a decoy (an unknown identifier cannot be told apart)', async () => {
    const { tenant } = await clinic({ smsPerClinicHourly: 3 });
    const sms = new FakeSms();
    for (let i = 0; i < 3; i++) expect((await code(tenant.id, phone(), sms)).ok).toBe(true);
    expect(await code(tenant.id, phone(), sms)).toMatchObject({ ok: false, error: 'too-many-codes' });
    expect(await startDecoy(db(), lockoutKey('reset', tenant.id, 'nobody@example.test'))).toMatchObject({ ok: false, error: 'too-many-codes' });
    const [entry] = await audits(tenant.id, 'sms.ceiling_reached');
    expect(entry!.details).toMatchObject({ scope: 'clinic', limitPerHour: 3 });
    expect(entry!.details).not.toHaveProperty('phone');
  });

  it('at send time: queued texts beyond a ceiling are deferred to the next hour, not dropped, and leave the last tenth of the clinic’s ceiling to codes', async () => {
    const { tenant } = await clinic({ smsPerClinicHourly: 10, smsPerPhoneHourly: 3 });
    const sms = new FakeSms();
    // Per phone (3: all of it for queued texts, a tenth of 3 is 0): the fourth waits.
    const samePhone = phone();
    const toOne = await queue(tenant.id, { count: 4, to: samePhone });
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 3, deferred: 1 });
    const deferred = (await rows(tenant.id, toOne)).find((r) => r.status === 'pending')!;
    expect(deferred).toMatchObject({ attempts: 0, lockedUntil: null, nextAttemptAt: addSeconds(T0, 3600) });
    expect(deferred.lastError).toMatch(/^sms_rate_ceiling/);
    // Per clinic (10; queued texts 9): 6 more go, a seventh waits.
    const others = await queue(tenant.id, { count: 6 });
    const run = await dispatchDueMessages({ sms });
    expect(run).toMatchObject({ sent: 6 });
    expect(run).not.toHaveProperty('deferred');
    expect((await rows(tenant.id, others)).filter((r) => r.status === 'sent')).toHaveLength(6);
    const more = await queue(tenant.id, { count: 1 });
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 0, deferred: 1 });
    // The tenth of the hour is a code's; the eleventh SMS is refused.
    expect((await code(tenant.id, phone(), sms)).ok).toBe(true);
    expect(await code(tenant.id, phone(), sms)).toMatchObject({ ok: false, error: 'too-many-codes' });
    expect(sms.sent).toHaveLength(10);
    expect((await audits(tenant.id, 'sms.ceiling_reached')).map((a) => (a.details as { scope: string }).scope).sort()).toEqual(['clinic', 'phone']);

    current = addSeconds(T0, 3600);
    await drain(sms);
    expect((await rows(tenant.id, [...toOne, ...more])).every((r) => r.status === 'sent')).toBe(true);
    expect(await usage(tenant.id)).toMatchObject({ sent: 12 });
  });
});

describe('hourly ceilings and provider failures', () => {
  it('a queued text the provider refused is given back to the ceilings, so its retry goes', async () => {
    const { tenant } = await clinic({ smsPerPhoneHourly: 1 });
    const sms = new FakeSms();
    sms.failing = true;
    const [key] = await queue(tenant.id);
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 0, retried: 1 });
    sms.failing = false;
    current = addSeconds(T0, 30);
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 1 });
    expect((await rows(tenant.id, [key!]))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await usage(tenant.id)).toMatchObject({ sent: 1 });
  });
});

describe('the operators’ console', () => {
  it('lists each clinic’s SMS count and segments this month', async () => {
    const a = await clinic();
    const b = await clinic();
    await queue(a.tenant.id, { count: 2, body: LONG });
    await queue(a.tenant.id, { count: 1, body: SHORT });
    await drain(new FakeSms());
    current = new Date('2026-02-15T12:00:00Z');
    await queue(b.tenant.id, { count: 4 });
    await drain(new FakeSms());
    current = T0;
    const clinics = await listClinics(db());
    expect(clinics.find((c) => c.id === a.tenant.id)).toMatchObject({ smsSent: 3, smsSegments: 5 });
    // February's texts are not this month's.
    expect(clinics.find((c) => c.id === b.tenant.id)).toMatchObject({ smsSent: 0, smsSegments: 0 });
  });
});
