import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { ForbiddenError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { AUDIT_PAGE_SIZE, listAuditActionNames, parseAuditSearchParams, queryAuditLog, streamAuditLog } from '@/lib/audit/query';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function clinicWithLog() {
  const clinic = await createTestTenant();
  const admin = await createStaffContext(clinic, 'admin', `boss-${clinic.slug}@clinic.test`);
  const nurse = await createStaffContext(clinic, 'support', `nurse-${clinic.slug}@clinic.test`);
  const portal = await createPortalAccount(clinic, { email: `ann-${clinic.slug}@example.test`, phone: '+15555550101', password: 'Passw0rd!x' });
  const base = { tenantId: clinic.id, ip: '203.0.113.7' };
  await recordAudit(db(), { ...base, actor: { kind: 'staff', id: nurse.actor.id }, action: 'patient.viewed', patientId: portal.patient.id });
  await recordAudit(db(), { ...base, actor: { kind: 'patient', id: portal.account.id }, action: 'auth.sign_in' });
  await recordAudit(db(), { ...base, actor: { kind: 'staff', id: admin.actor.id }, action: 'settings.branding_changed', outcome: 'success' });
  await recordAudit(db(), { ...base, actor: { kind: 'anonymous', label: 'ghost@example.test' }, action: 'auth.sign_in_failed', outcome: 'failure' });
  return { clinic, admin, nurse, portal };
}

const filters = (f: Record<string, string>) => {
  const parsed = parseAuditSearchParams(f);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.filters;
};

describe('audit log in the CRM', () => {
  it('lists the clinic’s entries newest first, with who, what, patient, IP and outcome', async () => {
    const { admin, nurse, portal } = await clinicWithLog();
    await clinicWithLog(); // another clinic's entries must not appear
    const { entries, hasMore } = await queryAuditLog(db(), admin, {});
    expect(hasMore).toBe(false);
    expect(entries.map((e) => e.action)).toEqual(['auth.sign_in_failed', 'settings.branding_changed', 'auth.sign_in', 'patient.viewed']);
    const viewed = entries.at(-1)!;
    expect(viewed).toMatchObject({
      actor: nurse.actor.fullName, actorDetail: nurse.actor.email, ip: '203.0.113.7', outcome: 'success',
      patient: `${portal.patient.firstName} ${portal.patient.lastName} (${portal.patient.recordNumber})`,
    });
    expect(entries[2]).toMatchObject({ actor: portal.account.fullName, actorKind: 'patient' });
    expect(entries[0]).toMatchObject({ actor: 'ghost@example.test', outcome: 'failure' });
  });

  it('filters by person (staff or portal account, name or email), patient, action and dates', async () => {
    const { admin, nurse, portal } = await clinicWithLog();
    const actions = async (f: Record<string, string>) => (await queryAuditLog(db(), admin, filters(f))).entries.map((e) => e.action);
    expect(await actions({ person: nurse.actor.email.toUpperCase() })).toEqual(['patient.viewed']);
    expect(await actions({ person: portal.account.fullName.toLowerCase() })).toEqual(['auth.sign_in']);
    expect(await actions({ person: 'ghost@' })).toEqual(['auth.sign_in_failed']);
    expect(await actions({ person: 'nobody-like-this' })).toEqual([]);
    expect(await actions({ person: '%' })).toEqual([]);

    const byName = await queryAuditLog(db(), admin, filters({ patient: portal.patient.lastName }));
    expect(byName.entries.map((e) => e.action)).toEqual(['patient.viewed']);
    expect(byName.matchedPatients.map((p) => p.id)).toEqual([portal.patient.id]);
    expect(await actions({ patient: portal.patient.recordNumber.toLowerCase() })).toEqual(['patient.viewed']);
    expect(await actions({ patientId: portal.patient.id })).toEqual(['patient.viewed']);
    expect(await actions({ patient: 'Nobody Atall' })).toEqual([]);

    expect(await actions({ action: 'auth.sign_in' })).toEqual(['auth.sign_in']);
    expect(await actions({ from: today, to: today })).toHaveLength(4);
    expect(await actions({ from: tomorrow })).toEqual([]);
  });

  it('refuses bad filters with clear messages', () => {
    expect(parseAuditSearchParams({ from: '2025-02-30' })).toEqual({ ok: false, fieldErrors: { from: 'Enter a real date.' } });
    expect(parseAuditSearchParams({ from: '2025-03-02', to: '2025-03-01' })).toEqual({ ok: false, fieldErrors: { to: 'The end date must be on or after the start date.' } });
    expect(parseAuditSearchParams({ action: "x' or 1=1" })).toMatchObject({ ok: false, fieldErrors: { action: 'Choose an action from the list.' } });
  });

  it('pages 50 at a time and streams everything for the export without gaps or repeats', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) {
      await recordAudit(db(), { tenantId: clinic.id, actor: { kind: 'system' }, action: 'test.event', details: { i } });
    }
    const first = await queryAuditLog(db(), admin, {}, 1);
    const second = await queryAuditLog(db(), admin, {}, 2);
    expect(first.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(second.entries).toHaveLength(5);
    expect(second.hasMore).toBe(false);
    expect(first.entries[0]!.details).toEqual({ i: AUDIT_PAGE_SIZE + 4 });

    const streamed: number[] = [];
    for await (const batch of streamAuditLog(db(), admin, {}, 7)) streamed.push(...batch.map((e) => e.id));
    expect(streamed).toEqual([...first.entries, ...second.entries].map((e) => e.id));
  });

  it('needs audit.view; the action list holds this clinic’s actions', async () => {
    const { clinic, admin } = await clinicWithLog();
    const marketing = await createStaffContext(clinic, 'marketing');
    await expect(queryAuditLog(db(), marketing, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(streamAuditLog(db(), marketing, {}).next()).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listAuditActionNames(db(), marketing)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await listAuditActionNames(db(), admin)).toEqual(expect.arrayContaining(['settings.branding_changed', 'patient.viewed']));
  });
});
