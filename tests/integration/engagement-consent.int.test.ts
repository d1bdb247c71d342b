import { and, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, patientConsents } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import {
  changeConsentByStaff, changeConsentFromPortal, contactDecisions, currentConsents, mayContact, recordConsent,
} from '@/lib/engagement/consent';
import { suppress } from '@/lib/engagement/suppressions';
import { formData, hostFor, invokeAction, signIn } from '../support/action-harness';
import { createConsentClinic, type ConsentClinic } from '../support/engagement-consent-world';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 18, point 7: a patient's consent per channel and purpose, as an append-only record with
 * source and time; who may see and change it (staff by permission, a portal account for the
 * patients it acts for, nobody of another clinic); and mayContact, which needs a recorded yes
 * for marketing and honours the suppression list.
 */

let w: ConsentClinic;
beforeEach(async () => {
  w = await createConsentClinic();
});

const rowsOf = async (patientId: string) => getDb()
  .select({ channel: patientConsents.channel, purpose: patientConsents.purpose, granted: patientConsents.granted, source: patientConsents.source })
  .from(patientConsents)
  .where(and(eq(patientConsents.tenantId, w.clinic.id), eq(patientConsents.patientId, patientId)))
  .orderBy(patientConsents.recordedAt);

describe('the consent record', () => {
  it('starts from the defaults: care allowed, marketing not, nothing recorded', async () => {
    const consents = await currentConsents(getDb(), w.admin, w.maria.id);
    expect(consents.answers.map((a) => [a.channel, a.purpose, a.granted, a.source])).toEqual([
      ['email', 'care', true, null], ['email', 'marketing', false, null], ['sms', 'care', true, null], ['sms', 'marketing', false, null],
    ]);
    expect(consents.addresses.email).toBe(w.maria.email);
  });

  it('appends a row for each change, and records nothing when the answer in force does not change', async () => {
    const db = getDb();
    const change = { patientId: w.maria.id, channel: 'email', purpose: 'marketing', source: 'seed' } as const;
    // "No" to marketing is already the default: nothing to record.
    expect(await recordConsent(db, w.clinic.id, { ...change, granted: false })).toBe(false);
    expect(await recordConsent(db, w.clinic.id, { ...change, granted: true })).toBe(true);
    expect(await recordConsent(db, w.clinic.id, { ...change, granted: true, source: 'portal' })).toBe(false);
    expect(await recordConsent(db, w.clinic.id, { ...change, granted: false, source: 'portal' })).toBe(true);
    expect(await rowsOf(w.maria.id)).toEqual([
      { channel: 'email', purpose: 'marketing', granted: true, source: 'seed' },
      { channel: 'email', purpose: 'marketing', granted: false, source: 'portal' },
    ]);
    const answer = (await currentConsents(db, w.admin, w.maria.id)).answers.find((a) => a.channel === 'email' && a.purpose === 'marketing');
    expect(answer).toMatchObject({ granted: false, source: 'portal' });
    expect(answer!.recordedAt).toBeInstanceOf(Date);
  });

  it('refuses to edit or delete a recorded answer (append-only, by trigger)', async () => {
    const db = getDb();
    await recordConsent(db, w.clinic.id, { patientId: w.maria.id, channel: 'sms', purpose: 'marketing', granted: true, source: 'staff' });
    await expect(db.update(patientConsents).set({ granted: false }).where(eq(patientConsents.patientId, w.maria.id))).rejects.toThrow();
    await expect(db.delete(patientConsents).where(eq(patientConsents.patientId, w.maria.id))).rejects.toThrow();
    expect(await rowsOf(w.maria.id)).toEqual([{ channel: 'sms', purpose: 'marketing', granted: true, source: 'staff' }]);
  });

  it('takes two identical changes at once one after the other: one row, not two', async () => {
    const db = getDb();
    const change = { patientId: w.nadia.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' } as const;
    // The first change stays uncommitted while the second arrives: the second must wait for it
    // and then find the answer already given (without the patient's lock it would add a twin).
    let inserted!: () => void;
    let release!: () => void;
    const didInsert = new Promise<void>((resolve) => { inserted = resolve; });
    const held = new Promise<void>((resolve) => { release = resolve; });
    const first = db.transaction(async (tx) => {
      const result = await recordConsent(tx, w.clinic.id, change);
      inserted();
      await held;
      return result;
    });
    await didInsert;
    const second = recordConsent(db, w.clinic.id, change);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await Promise.all([first, second])).toEqual([true, false]);
    expect(await rowsOf(w.nadia.id)).toHaveLength(1);
  });

  it("refuses another clinic's patient", async () => {
    const other = await createConsentClinic();
    await expect(recordConsent(getDb(), w.clinic.id, { patientId: other.maria.id, channel: 'email', purpose: 'marketing', granted: true, source: 'seed' }))
      .rejects.toBeInstanceOf(NotFoundError);
    await expect(currentConsents(getDb(), w.admin, other.maria.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeConsentByStaff(getDb(), w.admin, other.maria.id, { channel: 'email', purpose: 'marketing', granted: true })).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().select().from(patientConsents).where(eq(patientConsents.patientId, other.maria.id))).toEqual([]);
  });
});

describe('who may see and change it', () => {
  it('staff with patients.edit record a change with source staff and their name, audited without the address', async () => {
    const db = getDb();
    expect(await changeConsentByStaff(db, w.admin, w.maria.id, { channel: 'sms', purpose: 'care', granted: false })).toBe(true);
    expect(await changeConsentByStaff(db, w.admin, w.maria.id, { channel: 'sms', purpose: 'care', granted: false })).toBe(false);
    const answer = (await currentConsents(db, w.support, w.maria.id)).answers.find((a) => a.channel === 'sms' && a.purpose === 'care');
    expect(answer).toMatchObject({ granted: false, source: 'staff', recordedBy: w.admin.actor.fullName });
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'engagement.consent_changed')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKind: 'staff', actorId: w.admin.actor.id, patientId: w.maria.id, details: { channel: 'sms', purpose: 'care', granted: false, source: 'staff' } });
    expect(JSON.stringify(audit[0])).not.toContain(w.maria.phone!);
  });

  it('staff who only see patients may read but not change (the check can fail)', async () => {
    await expect(currentConsents(getDb(), w.support, w.maria.id)).resolves.toBeTruthy();
    await expect(changeConsentByStaff(getDb(), w.support, w.maria.id, { channel: 'email', purpose: 'marketing', granted: true })).rejects.toBeInstanceOf(ForbiddenError);
    const noView = { ...w.support, actor: { ...w.support.actor, permissions: new Set(['emr.access'] as const) } };
    await expect(currentConsents(getDb(), noView, w.maria.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await rowsOf(w.maria.id)).toEqual([]);
  });

  it('a portal account changes its own patient and those it acts for, and nobody else', async () => {
    const db = getDb();
    expect(await changeConsentFromPortal(db, w.mariaPortal, w.maria.id, { channel: 'email', purpose: 'marketing', granted: true })).toBe(true);
    expect(await changeConsentFromPortal(db, w.mariaPortal, w.leo.id, { channel: 'sms', purpose: 'marketing', granted: true })).toBe(true);
    expect((await rowsOf(w.leo.id))[0]).toMatchObject({ source: 'portal', granted: true });
    await expect(changeConsentFromPortal(db, w.nadiaPortal, w.maria.id, { channel: 'email', purpose: 'marketing', granted: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(currentConsents(db, w.nadiaPortal, w.leo.id)).rejects.toBeInstanceOf(NotFoundError);
    // The account's copy of its links is not trusted: a link staff removed no longer counts.
    await db.execute(sql`delete from portal_account_patients where tenant_id = ${w.clinic.id} and patient_id = ${w.leo.id}`);
    await expect(changeConsentFromPortal(db, w.mariaPortal, w.leo.id, { channel: 'sms', purpose: 'marketing', granted: false })).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowsOf(w.leo.id)).toHaveLength(1);
  });

  it('a yes to marketing email in the portal lifts an earlier unsubscribe of that address, not a complaint', async () => {
    const db = getDb();
    await suppress(db, w.clinic.id, 'email', w.maria.email!, 'unsubscribed');
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'email', 'marketing')).toEqual({ ok: false, reason: 'no-consent' });
    await changeConsentFromPortal(db, w.mariaPortal, w.maria.id, { channel: 'email', purpose: 'marketing', granted: true });
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'email', 'marketing')).toEqual({ ok: true, address: w.maria.email });

    await suppress(db, w.clinic.id, 'email', w.nadia.email!, 'complained');
    await changeConsentFromPortal(db, w.nadiaPortal, w.nadia.id, { channel: 'email', purpose: 'marketing', granted: true });
    expect(await mayContact(db, w.clinic.id, w.nadia.id, 'email', 'marketing')).toEqual({ ok: false, reason: 'suppressed' });
  });
});

describe('mayContact', () => {
  it('needs a recorded yes for marketing; care needs no row', async () => {
    const db = getDb();
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'email', 'marketing')).toEqual({ ok: false, reason: 'no-consent' });
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'email', 'care')).toEqual({ ok: true, address: w.maria.email });
    await recordConsent(db, w.clinic.id, { patientId: w.maria.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'email', 'marketing')).toEqual({ ok: true, address: w.maria.email });
    // A no to care by SMS is honoured too.
    await recordConsent(db, w.clinic.id, { patientId: w.maria.id, channel: 'sms', purpose: 'care', granted: false, source: 'staff' });
    expect(await mayContact(db, w.clinic.id, w.maria.id, 'sms', 'care')).toEqual({ ok: false, reason: 'no-consent' });
  });

  it("checks the suppression list for the patient's current address, case-insensitively, by purpose", async () => {
    const db = getDb();
    await recordConsent(db, w.clinic.id, { patientId: w.leo.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    // Leo's stored email is mixed-case; the list holds it lower-cased.
    await suppress(db, w.clinic.id, 'email', w.leo.email!.toUpperCase(), 'unsubscribed');
    expect(await mayContact(db, w.clinic.id, w.leo.id, 'email', 'marketing')).toEqual({ ok: false, reason: 'suppressed' });
    expect(await mayContact(db, w.clinic.id, w.leo.id, 'email', 'care')).toEqual({ ok: true, address: w.leo.email!.toLowerCase() });
    await suppress(db, w.clinic.id, 'email', w.leo.email!, 'bounced');
    expect(await mayContact(db, w.clinic.id, w.leo.id, 'email', 'care')).toEqual({ ok: false, reason: 'suppressed' });
  });

  it('answers no-address without an address, and for another clinic\'s patient', async () => {
    const other = await createConsentClinic();
    expect(await mayContact(getDb(), w.clinic.id, w.leo.id, 'sms', 'care')).toEqual({ ok: false, reason: 'no-address' });
    expect(await mayContact(getDb(), w.clinic.id, other.maria.id, 'email', 'care')).toEqual({ ok: false, reason: 'no-address' });
  });

  it('decides for many patients in one call, as a campaign needs', async () => {
    const db = getDb();
    await recordConsent(db, w.clinic.id, { patientId: w.nadia.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    const decisions = await contactDecisions(db, w.clinic.id, [w.maria.id, w.leo.id, w.nadia.id, 'not-an-id'], 'email', 'marketing');
    expect(Object.fromEntries(decisions)).toEqual({
      [w.maria.id]: { ok: false, reason: 'no-consent' },
      [w.leo.id]: { ok: false, reason: 'no-consent' },
      [w.nadia.id]: { ok: true, address: w.nadia.email },
    });
  });
});

describe('the forms', () => {
  it("the chart's panel records what changed, for staff with patients.edit only", async () => {
    const { saveChartConsentAction } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/consent/actions');
    const host = hostFor(w.clinic.slug);
    const fields = { patientId: w.maria.id, emailCare: 'yes', emailMarketing: 'yes', smsCare: 'no', smsMarketing: 'no' };
    const support = await signIn('staff', { tenantId: w.clinic.id, subjectId: w.support.actor.id });
    const refused = await invokeAction({ host, cookies: support.cookies, path: `/emr/patients/${w.maria.id}/consent` }, saveChartConsentAction, {}, formData(fields));
    expect(refused.kind === 'returned' ? refused.value : refused).not.toMatchObject({ ok: true });
    expect(await rowsOf(w.maria.id)).toEqual([]);

    const admin = await signIn('staff', { tenantId: w.clinic.id, subjectId: w.admin.actor.id });
    const saved = await invokeAction({ host, cookies: admin.cookies, path: `/emr/patients/${w.maria.id}/consent` }, saveChartConsentAction, {}, formData(fields));
    expect(saved).toMatchObject({ kind: 'returned', value: { ok: true, message: 'Consent recorded (2 changes).' } });
    expect(await rowsOf(w.maria.id)).toEqual([
      { channel: 'email', purpose: 'marketing', granted: true, source: 'staff' },
      { channel: 'sms', purpose: 'care', granted: false, source: 'staff' },
    ]);
    const again = await invokeAction({ host, cookies: admin.cookies, path: `/emr/patients/${w.maria.id}/consent` }, saveChartConsentAction, {}, formData(fields));
    expect(again).toMatchObject({ kind: 'returned', value: { ok: true, message: 'Nothing changed.' } });
  });

  it("the portal's choices are saved for a patient the account acts for, and refused for anyone else", async () => {
    const { saveMessageChoicesAction } = await import('@/app/t/[tenant]/portal/(app)/settings/message-actions');
    const host = hostFor(w.clinic.slug);
    const maria = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.mariaPortal.account.id });
    const saved = await invokeAction({ host, cookies: maria.cookies, path: '/portal/settings' }, saveMessageChoicesAction, {}, formData({ patientId: w.leo.id, marketingEmail: 'on' }));
    expect(saved).toMatchObject({ kind: 'redirect', location: '/portal/settings?saved=messages' });
    expect(await rowsOf(w.leo.id)).toEqual([{ channel: 'email', purpose: 'marketing', granted: true, source: 'portal' }]);

    const nadia = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.nadiaPortal.account.id });
    const refused = await invokeAction({ host, cookies: nadia.cookies, path: '/portal/settings' }, saveMessageChoicesAction, {}, formData({ patientId: w.leo.id }));
    expect(refused).toMatchObject({ kind: 'returned', value: { ok: false, message: 'Your choices could not be saved. Try again.' } });
    expect(await rowsOf(w.leo.id)).toHaveLength(1);
  });
});
