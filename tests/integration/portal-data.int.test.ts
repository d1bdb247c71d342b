import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import {
  cancelContactChange,
  loadPersonalData,
  personalDataSchema,
  resendContactChangeCode,
  savePersonalData,
  verifyContactChangeCode,
} from '@/lib/patients/personal-data';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { FakeSms, createPortalAccount } from '../support/portal-fixtures';

const T0 = new Date('2026-05-04T10:00:00Z');
let current = T0;
beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(() => setClockForTests(undefined));
const later = (seconds: number) => { current = new Date(current.getTime() + seconds * 1000); };

const OLD_PHONE = '+15555550142';
const NEW_PHONE = '+15555550199';
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

let n = 0;
async function setup() {
  const db = getDb();
  const tenant = await createTestTenant();
  const email = `data${++n}-${randomBytes(2).toString('hex')}@example.test`;
  const fixture = await createPortalAccount(tenant, { email, phone: OLD_PHONE, password: 'Copper-kettle-64' });
  const [child] = await db.insert(patients).values({
    tenantId: tenant.id, recordNumber: `C-${randomBytes(4).toString('hex')}`, firstName: 'Leo', lastName: 'Quennell', dateOfBirth: '2016-09-03',
  }).returning();
  const [stranger] = await db.insert(patients).values({
    tenantId: tenant.id, recordNumber: `S-${randomBytes(4).toString('hex')}`, firstName: 'Stranger', lastName: 'Danger', dateOfBirth: '1990-01-01',
  }).returning();
  await db.insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: fixture.account.id, patientId: child!.id, relationship: 'parent' });
  const scope = (patientId: string) => portalContext(tenant, fixture.account.id, patientId, { ip: '192.0.2.7', userAgent: 'vitest' });
  const clinic = { displayName: 'Sunrise Test Clinic', identificationMode: 'email' as const };
  const sms = new FakeSms();
  const input = (values: Record<string, string | undefined>) => personalDataSchema.parse({
    firstName: 'Philippa', lastName: fixture.patient.lastName, email, phone: OLD_PHONE, preferredLanguage: 'en', ...values,
  });
  const patient = async (id: string) => (await db.select().from(patients).where(eq(patients.id, id)))[0]!;
  const account = async () => (await db.select().from(portalAccounts).where(eq(portalAccounts.id, fixture.account.id)))[0]!;
  const audits = async (action: string) => db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, action)));
  return { db, tenant, fixture, child: child!, stranger: stranger!, scope, clinic, sms, input, patient, account, audits, email };
}

describe('personal data', () => {
  it('saves address and names straight to the patient record, audited as the portal account', async () => {
    const s = await setup();
    const me = s.scope(s.fixture.patient.id);
    const result = await savePersonalData(s.db, me, s.input({ firstName: 'Pippa', addressLine1: '12 Elm St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'us' }), s.clinic, s.sms);
    expect(result).toMatchObject({ ok: true, verification: null, changed: expect.arrayContaining(['firstName', 'addressLine1', 'city', 'country']) });
    expect(await s.patient(s.fixture.patient.id)).toMatchObject({ firstName: 'Pippa', addressLine1: '12 Elm St', city: 'Austin', country: 'US', phone: OLD_PHONE });
    const [entry] = await s.audits('patient.updated');
    expect(entry).toMatchObject({ actorKind: 'patient', actorId: s.fixture.account.id, patientId: s.fixture.patient.id });
    expect(entry!.details).toMatchObject({ changes: { firstName: { before: 'Philippa', after: 'Pippa' } } });
    expect(s.sms.sent).toHaveLength(0);
    const loaded = await loadPersonalData(s.db, me);
    expect(loaded).toMatchObject({ relationship: 'self', pendingChange: null, patient: { firstName: 'Pippa', city: 'Austin' } });
  });

  it('answers not-found for a patient the account is not linked to, or of another clinic', async () => {
    const s = await setup();
    const other = await setup();
    const before = await s.patient(s.stranger.id);
    for (const scope of [s.scope(s.stranger.id), s.scope(other.fixture.patient.id), { ...s.scope(s.fixture.patient.id), tenant: other.tenant }]) {
      await expect(loadPersonalData(s.db, scope)).rejects.toBeInstanceOf(NotFoundError);
      await expect(savePersonalData(s.db, scope, s.input({ firstName: 'Hacked' }), s.clinic, s.sms)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await s.patient(s.stranger.id)).toEqual(before);
    expect((await other.patient(other.fixture.patient.id)).firstName).toBe('Philippa');
  });

  it('saves a child’s phone and email without codes; the sign-in phone stays', async () => {
    const s = await setup();
    const result = await savePersonalData(s.db, s.scope(s.child.id), s.input({ firstName: 'Leo', lastName: 'Quennell', phone: '(512) 555-0123', email: 'Leo@Example.test' }), s.clinic, s.sms);
    expect(result).toMatchObject({ ok: true, verification: null });
    expect(await s.patient(s.child.id)).toMatchObject({ phone: '+15125550123', email: 'leo@example.test' });
    expect((await s.account()).phone).toBe(OLD_PHONE);
    expect(s.sms.sent).toHaveLength(0);
  });

  it('changes the sign-in phone only after a code to the old phone and one to the new phone', async () => {
    const s = await setup();
    const me = s.scope(s.fixture.patient.id);
    const started = await savePersonalData(s.db, me, s.input({ phone: '555-555-0199', city: 'Denver' }), s.clinic, s.sms);
    expect(started).toMatchObject({ ok: true, verification: { stage: 'current', maskedPhone: '\u2022\u2022\u2022\u2022 0142' } });
    // The rest is saved at once; the phone waits for the codes.
    expect(await s.patient(s.fixture.patient.id)).toMatchObject({ city: 'Denver', phone: OLD_PHONE });
    expect((await s.account()).phone).toBe(OLD_PHONE);
    expect(s.sms.last().to).toBe(OLD_PHONE);
    expect(s.sms.last().body).not.toContain('Philippa');
    const firstCode = s.sms.lastCode();

    // A wrong code is refused and changes nothing.
    expect(await verifyContactChangeCode(s.db, me, otherCode(firstCode), s.clinic, s.sms)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect(await verifyContactChangeCode(s.db, me, 'abc', s.clinic, s.sms)).toEqual({ ok: false, error: 'malformed' });
    expect((await loadPersonalData(s.db, me)).pendingChange).toEqual({ stage: 'current', maskedPhone: '\u2022\u2022\u2022\u2022 0142' });

    const second = await verifyContactChangeCode(s.db, me, firstCode, s.clinic, s.sms);
    expect(second).toMatchObject({ ok: true, done: false, next: { stage: 'new', maskedPhone: '\u2022\u2022\u2022\u2022 0199' } });
    expect(s.sms.last().to).toBe(NEW_PHONE);
    expect((await s.account()).phone).toBe(OLD_PHONE);
    // The first code cannot be replayed for the second step.
    expect(await verifyContactChangeCode(s.db, me, firstCode, s.clinic, s.sms)).toMatchObject({ ok: false, error: 'wrong-code' });

    const done = await verifyContactChangeCode(s.db, me, s.sms.lastCode(), s.clinic, s.sms);
    expect(done).toEqual({ ok: true, done: true, phoneChanged: true, emailChanged: false });
    expect(await s.account()).toMatchObject({ phone: NEW_PHONE });
    expect((await s.account()).phoneVerifiedAt.getTime()).toBe(current.getTime());
    expect(await s.patient(s.fixture.patient.id)).toMatchObject({ phone: NEW_PHONE, city: 'Denver' });
    const [changed] = await s.audits('portal.contact_changed');
    expect(changed).toMatchObject({ actorId: s.fixture.account.id, patientId: s.fixture.patient.id, details: { phoneChanged: true } });
    expect(JSON.stringify(await s.audits('auth.code_failed'))).not.toContain(firstCode);
    // Finished: nothing left to confirm.
    expect(await verifyContactChangeCode(s.db, me, '123456', s.clinic, s.sms)).toEqual({ ok: false, error: 'no-attempt' });
  });

  it('refuses an expired code; a resent one works', async () => {
    const s = await setup();
    const me = s.scope(s.fixture.patient.id);
    await savePersonalData(s.db, me, s.input({ phone: NEW_PHONE }), s.clinic, s.sms);
    const stale = s.sms.lastCode();
    expect(await resendContactChangeCode(s.db, me, s.clinic, s.sms)).toMatchObject({ ok: false, error: 'resend-too-soon' });
    later(11 * 60);
    expect(await verifyContactChangeCode(s.db, me, stale, s.clinic, s.sms)).toEqual({ ok: false, error: 'expired' });
    expect(await resendContactChangeCode(s.db, me, s.clinic, s.sms)).toMatchObject({ ok: true });
    expect(await verifyContactChangeCode(s.db, me, s.sms.lastCode(), s.clinic, s.sms)).toMatchObject({ ok: true, done: false });
    // Five wrong guesses end the flow; the phone is unchanged.
    const second = s.sms.lastCode();
    for (let i = 0; i < 4; i++) await verifyContactChangeCode(s.db, me, otherCode(second), s.clinic, s.sms);
    expect(await verifyContactChangeCode(s.db, me, otherCode(second), s.clinic, s.sms)).toEqual({ ok: false, error: 'too-many-attempts' });
    expect(await verifyContactChangeCode(s.db, me, second, s.clinic, s.sms)).toEqual({ ok: false, error: 'no-attempt' });
    expect((await s.account()).phone).toBe(OLD_PHONE);
    expect((await s.patient(s.fixture.patient.id)).phone).toBe(OLD_PHONE);
  });

  it('changes the sign-in email after one code to the current phone; a taken email is refused', async () => {
    const s = await setup();
    const other = await createPortalAccount(s.tenant, { email: `taken-${randomBytes(2).toString('hex')}@example.test`, phone: '+15555550177', password: 'Copper-kettle-64' });
    const me = s.scope(s.fixture.patient.id);
    expect(await savePersonalData(s.db, me, s.input({ email: other.account.email! }), s.clinic, s.sms)).toEqual({ ok: false, error: 'email-taken' });
    expect(await savePersonalData(s.db, me, s.input({ email: undefined }), s.clinic, s.sms)).toEqual({ ok: false, error: 'email-required' });
    expect(await savePersonalData(s.db, me, s.input({ phone: undefined }), s.clinic, s.sms)).toEqual({ ok: false, error: 'phone-required' });
    expect(s.sms.sent).toHaveLength(0);

    const started = await savePersonalData(s.db, me, s.input({ email: 'New.Address@Example.test' }), s.clinic, s.sms);
    expect(started).toMatchObject({ ok: true, verification: { stage: 'current' } });
    expect(s.sms.last().to).toBe(OLD_PHONE);
    expect(await verifyContactChangeCode(s.db, me, s.sms.lastCode(), s.clinic, s.sms)).toEqual({ ok: true, done: true, phoneChanged: false, emailChanged: true });
    expect(await s.account()).toMatchObject({ email: 'new.address@example.test', phone: OLD_PHONE });
    expect((await s.patient(s.fixture.patient.id)).email).toBe('new.address@example.test');
    expect(s.sms.sent).toHaveLength(1);
  });

  it('“keep my current phone” drops the change', async () => {
    const s = await setup();
    const me = s.scope(s.fixture.patient.id);
    await savePersonalData(s.db, me, s.input({ phone: NEW_PHONE }), s.clinic, s.sms);
    const code = s.sms.lastCode();
    await cancelContactChange(s.db, me);
    expect(await verifyContactChangeCode(s.db, me, code, s.clinic, s.sms)).toEqual({ ok: false, error: 'no-attempt' });
    expect((await loadPersonalData(s.db, me)).pendingChange).toBeNull();
    expect((await s.account()).phone).toBe(OLD_PHONE);
  });
});
