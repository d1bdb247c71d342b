import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authSessions, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { checkSession, createSession } from '@/lib/auth/session-store';
import { setClockForTests } from '@/lib/clock';
import { verifyPassword } from '@/lib/identity/password-hash';
import { changePortalPassword, deletePortalAccount, savePortalPreferences } from '@/lib/portal-access/account-settings';
import { createTestTenant } from '../support/factories';
import { portalAccountContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';

const T0 = new Date('2026-05-04T10:00:00Z');
const PASSWORD = 'Copper-kettle-64';
let current = T0;
beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(() => setClockForTests(undefined));

let n = 0;
async function setup() {
  const db = getDb();
  const tenant = await createTestTenant();
  const fixture = await createPortalAccount(tenant, { email: `settings${++n}-${process.pid}@example.test`, phone: '+15555550142', password: PASSWORD });
  const session = async () => createSession(db, { tenantId: tenant.id, kind: 'portal', subjectId: fixture.account.id, idleTimeoutSeconds: 3600 });
  const mine = await session();
  const other = await session();
  const actor = portalAccountContext(tenant, fixture.account.id, { sessionId: mine.id, ip: '192.0.2.9', userAgent: 'vitest' });
  const account = async () => (await db.select().from(portalAccounts).where(eq(portalAccounts.id, fixture.account.id)))[0];
  const audits = async (action: string) => db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, action)));
  const alive = async (id: string) => (await checkSession(db, id, { kind: 'portal', tenantId: tenant.id })).ok;
  return { db, tenant, fixture, mine, other, actor, account, audits, alive, session };
}

describe('language and time zone', () => {
  it('saves both, audits the change, and refuses an unknown language or zone', async () => {
    const s = await setup();
    expect(await savePortalPreferences(s.db, s.actor, { language: 'es', timeZone: 'America/New_York' })).toEqual({ ok: true, language: 'es', timeZone: 'America/New_York' });
    expect(await s.account()).toMatchObject({ language: 'es', timeZone: 'America/New_York' });
    const [entry] = await s.audits('portal.preferences_updated');
    expect(entry).toMatchObject({ actorKind: 'patient', actorId: s.fixture.account.id });
    expect(entry!.details).toMatchObject({ changes: { language: { before: 'en', after: 'es' } } });

    expect(await savePortalPreferences(s.db, s.actor, { language: 'es', timeZone: 'Mars/Olympus_Mons' })).toEqual({ ok: false, error: 'invalid-time-zone' });
    expect(await savePortalPreferences(s.db, s.actor, { language: 'fr', timeZone: null })).toEqual({ ok: false, error: 'invalid-language' });
    expect(await s.account()).toMatchObject({ language: 'es', timeZone: 'America/New_York' });

    // Empty means "the clinic location's time".
    expect(await savePortalPreferences(s.db, s.actor, { language: 'en', timeZone: '' })).toEqual({ ok: true, language: 'en', timeZone: null });
    expect(await s.account()).toMatchObject({ language: 'en', timeZone: null });
  });

  it('changes only the signed-in account of the signed-in clinic', async () => {
    const s = await setup();
    const other = await setup();
    const result = await savePortalPreferences(s.db, { ...s.actor, account: { ...s.actor.account, id: other.fixture.account.id } }, { language: 'es', timeZone: null });
    expect(result).toEqual({ ok: false, error: 'not-found' });
    expect(await other.account()).toMatchObject({ language: 'en' });
  });
});

describe('change password', () => {
  const NEW = 'Silver-birch-27';

  it('refuses a wrong current password, a weak or breached new one, and a mismatch', async () => {
    const s = await setup();
    expect(await changePortalPassword(s.db, s.actor, { currentPassword: 'Not-my-pass-1', password: NEW, confirmPassword: NEW })).toEqual({ ok: false, error: 'wrong-password' });
    const weak = await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: 'short', confirmPassword: 'short' });
    expect(weak).toMatchObject({ ok: false, error: 'invalid-password', problems: { password: expect.arrayContaining(['Use at least 8 characters.']) } });
    const breached = await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: 'Password1', confirmPassword: 'Password1' });
    expect(breached).toMatchObject({ ok: false, error: 'invalid-password' });
    if (!breached.ok && breached.error === 'invalid-password') expect(breached.problems.password?.join(' ')).toMatch(/too common|too easy/);
    const mismatch = await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: NEW, confirmPassword: 'Silver-birch-28' });
    expect(mismatch).toMatchObject({ ok: false, error: 'invalid-password', problems: { confirmPassword: expect.any(String) } });
    expect(await verifyPassword((await s.account())!.passwordHash, PASSWORD)).toBe(true);
    expect(await s.alive(s.other.id)).toBe(true);
    expect((await s.audits('auth.password_changed')).map((a) => a.outcome)).toEqual(['failure']);
  });

  it('ends the account’s other sessions and keeps this one', async () => {
    const s = await setup();
    const result = await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: NEW, confirmPassword: NEW });
    expect(result).toEqual({ ok: true, endedSessions: 1 });
    const account = (await s.account())!;
    expect(await verifyPassword(account.passwordHash, NEW)).toBe(true);
    expect(account.passwordChangedAt.getTime()).toBe(T0.getTime());
    expect(await s.alive(s.mine.id)).toBe(true);
    expect(await s.alive(s.other.id)).toBe(false);
    const [entry] = (await s.audits('auth.password_changed')).filter((a) => a.outcome === 'success');
    expect(entry).toMatchObject({ actorKind: 'patient', actorId: s.fixture.account.id });
    expect(JSON.stringify(entry!.details)).not.toContain(NEW);
  });

  it('limits wrong current-password guesses per account', async () => {
    const s = await setup();
    for (let i = 0; i < 10; i++) {
      expect(await changePortalPassword(s.db, s.actor, { currentPassword: `Wrong-guess-${i}`, password: NEW, confirmPassword: NEW })).toMatchObject({ error: 'wrong-password' });
    }
    expect(await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: NEW, confirmPassword: NEW })).toMatchObject({ ok: false, error: 'too-many-attempts' });
    current = new Date(T0.getTime() + 16 * 60_000);
    expect(await changePortalPassword(s.db, s.actor, { currentPassword: PASSWORD, password: NEW, confirmPassword: NEW })).toMatchObject({ ok: true });
  });
});

describe('delete my account', () => {
  it('needs the confirmation and the right password', async () => {
    const s = await setup();
    expect(await deletePortalAccount(s.db, s.actor, { password: PASSWORD, confirmed: false })).toEqual({ ok: false, error: 'not-confirmed' });
    expect(await deletePortalAccount(s.db, s.actor, { password: 'Wrong-pass-99', confirmed: true })).toEqual({ ok: false, error: 'wrong-password' });
    expect(await s.account()).toBeDefined();
    expect(await s.alive(s.mine.id)).toBe(true);
  });

  it('removes portal access and every session but keeps the patient record', async () => {
    const s = await setup();
    expect(await deletePortalAccount(s.db, s.actor, { password: PASSWORD, confirmed: true })).toEqual({ ok: true });
    expect(await s.account()).toBeUndefined();
    expect(await s.db.select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, s.fixture.account.id))).toEqual([]);
    expect(await s.alive(s.mine.id)).toBe(false);
    expect(await s.alive(s.other.id)).toBe(false);
    const [session] = await s.db.select().from(authSessions).where(eq(authSessions.id, s.mine.id));
    expect(session!.revokeReason).toBe('account-deleted');
    const [patient] = await s.db.select().from(patients).where(eq(patients.id, s.fixture.patient.id));
    expect(patient).toMatchObject({ firstName: s.fixture.patient.firstName, recordNumber: s.fixture.patient.recordNumber });
    expect((await s.audits('portal.account_deleted')).filter((a) => a.outcome === 'success')).toHaveLength(1);
    const [unlinked] = await s.audits('portal.account_unlinked');
    expect(unlinked).toMatchObject({ patientId: s.fixture.patient.id });
    // Nothing is left to act with.
    expect(await savePortalPreferences(s.db, s.actor, { language: 'es', timeZone: null })).toEqual({ ok: false, error: 'not-found' });
  });
});
