import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, services } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { ServiceRuleError } from '@/lib/services/errors';
import { centsToPriceInput, parsePriceToCents } from '@/lib/services/schemas';
import { createService, formatServicePrice, getService, listServices, updateService } from '@/lib/services/services';
import { SettingsValidationError } from '@/lib/settings/errors';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
/** The form result an action wrapper gives for a thrown error (lib/actions/failures.ts). */
const serviceFailure = (error: unknown) => failureOf(error, STAFF_MESSAGES, 'test');

const form = (changes: Record<string, string | undefined> = {}) => ({
  name: 'Family consultation', description: 'Any health concern.', durationMinutes: '30', price: '120.50',
  bookableOnline: 'on', isVideo: undefined, active: 'on', ...changes,
});

async function clinicAdmin() {
  const clinic = await createTestTenant();
  return { clinic, admin: await createStaffContext(clinic, 'admin') };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, state: serviceFailure(error) };
}

describe('prices', () => {
  it('reads dollars and cents without floating point and shows them back', () => {
    expect(parsePriceToCents('120')).toBe(12000);
    expect(parsePriceToCents('120.5')).toBe(12050);
    expect(parsePriceToCents(' $1,200.05 ')).toBe(120005);
    expect(parsePriceToCents('0.29')).toBe(29);
    expect(parsePriceToCents('')).toBeNull();
    expect(parsePriceToCents('12.345')).toBeUndefined();
    expect(parsePriceToCents('-5')).toBeUndefined();
    expect(parsePriceToCents('ten')).toBeUndefined();
    expect(centsToPriceInput(12050)).toBe('120.50');
    expect(centsToPriceInput(null)).toBe('');
    expect(formatServicePrice(12050, 'USD')).toBe('$120.50');
  });
});

describe('services', () => {
  it('creates a service with the price in cents, lists it and audits', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createService(db(), admin, form({ name: '  Family   consultation ' }));
    expect(await getService(db(), admin, id)).toMatchObject({
      name: 'Family consultation', description: 'Any health concern.', durationMinutes: 30, priceCents: 12050, currency: 'USD',
      bookableOnline: true, isVideo: false, active: true,
    });
    expect((await listServices(db(), admin)).map((s) => s.name)).toEqual(['Family consultation']);
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.service_added')));
    expect(entry).toMatchObject({ targetType: 'service', targetId: id });
    expect(entry?.details).toMatchObject({ after: { name: 'Family consultation', priceCents: 12050, currency: 'USD' } });
  });

  it('edits every field, with a before/after audit entry, and reports an unchanged save', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createService(db(), admin, form());
    const result = await updateService(db(), admin, id, form({ durationMinutes: '45', price: '', bookableOnline: undefined, isVideo: 'on', active: undefined, description: '' }));
    expect(result).toEqual({ changed: true });
    expect(await getService(db(), admin, id)).toMatchObject({ durationMinutes: 45, priceCents: null, bookableOnline: false, isVideo: true, active: false, description: null });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.service_changed')));
    expect(entry?.details).toMatchObject({
      changed: { durationMinutes: { before: 30, after: 45 }, priceCents: { before: 12050, after: null }, active: { before: true, after: false } },
    });
    expect(await updateService(db(), admin, id, form({ durationMinutes: '45', price: '', bookableOnline: undefined, isVideo: 'on', active: undefined, description: '' })))
      .toEqual({ changed: false });
  });

  it('refuses a duration outside 5–480 minutes, a bad price and an empty name with field messages', async () => {
    const { admin } = await clinicAdmin();
    const { error, state } = await refusal(createService(db(), admin, form({ name: ' ', durationMinutes: '4', price: '12.345' })));
    expect(error).toBeInstanceOf(SettingsValidationError);
    expect(state.fieldErrors).toEqual({
      name: 'Enter the service name.',
      durationMinutes: 'Enter the duration as a whole number of minutes from 5 to 480.',
      price: 'Enter the price as an amount such as 120 or 120.50, or leave it empty.',
    });
    expect((await refusal(createService(db(), admin, form({ durationMinutes: '481' })))).state.fieldErrors?.durationMinutes).toMatch(/5 to 480/);
    expect((await refusal(createService(db(), admin, form({ durationMinutes: '30.5' })))).state.fieldErrors?.durationMinutes).toMatch(/whole number/);
    expect((await refusal(createService(db(), admin, { ...form(), currency: 'EUR' }))).state.ok).toBe(false);
    expect(await listServices(db(), admin)).toEqual([]);
  });

  it('keeps names unique per clinic, ignoring case, on create and rename; another clinic may reuse the name', async () => {
    const { admin } = await clinicAdmin();
    await createService(db(), admin, form({ name: 'Vaccination' }));
    const { id } = await createService(db(), admin, form({ name: 'Skin check' }));
    const created = await refusal(createService(db(), admin, form({ name: 'vaccination' })));
    expect(created.error).toBeInstanceOf(ServiceRuleError);
    expect(created.state.fieldErrors?.name).toBe('A service named “vaccination” already exists (perhaps inactive). Choose another name, or edit that one.');
    expect((await refusal(updateService(db(), admin, id, form({ name: 'VACCINATION' })))).error).toBeInstanceOf(ServiceRuleError);
    // A change of case of its own name is fine.
    await updateService(db(), admin, id, form({ name: 'Skin Check' }));

    const other = await clinicAdmin();
    await createService(db(), other.admin, form({ name: 'Vaccination' }));
  });

  it('another clinic’s service answers not-found, and nothing of it changes', async () => {
    const a = await clinicAdmin();
    const b = await clinicAdmin();
    const { id } = await createService(db(), b.admin, form({ name: 'Harbor only' }));
    await expect(getService(db(), a.admin, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateService(db(), a.admin, id, form({ name: 'Taken over' }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateService(db(), a.admin, 'not-a-uuid', form())).rejects.toBeInstanceOf(NotFoundError);
    expect(await listServices(db(), a.admin)).toEqual([]);
    const [row] = await db().select().from(services).where(eq(services.id, id));
    expect(row?.name).toBe('Harbor only');
  });

  it('needs settings.manage', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createService(db(), admin, form());
    for (const level of ['marketing', 'physician', 'support'] as const) {
      const staff = await createStaffContext(clinic, level);
      await expect(listServices(db(), staff)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(createService(db(), staff, form({ name: `By ${level}` }))).rejects.toBeInstanceOf(ForbiddenError);
      await expect(updateService(db(), staff, id, form({ name: `By ${level}` }))).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(serviceFailure(new ForbiddenError('settings.manage')).message).toMatch(/permission/);
  });
});
