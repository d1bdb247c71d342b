import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documentTypes, locations } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { identifierLabel } from '@/lib/auth/identifiers';
import { meetsAaText, readableTextOn } from '@/lib/branding/colors';
import { createLocation, listLocations, setLocationActive, updateLocation } from '@/lib/locations/locations';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { updateBranding } from '@/lib/settings/branding';
import {
  createDocumentType,
  listDocumentTypes,
  renameDocumentType,
  setDocumentTypeActive,
  setDocumentTypeHidden,
} from '@/lib/settings/document-types';
import { SETTINGS_MESSAGES, SettingsRuleError, SettingsValidationError } from '@/lib/settings/errors';
import { getPortalSettings, updatePortalSettings } from '@/lib/settings/portal-settings';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
/** The form result the settings actions give for a thrown error (lib/actions/failures.ts). */
const settingsFailure = (error: unknown): SettingsActionState => failureOf(error, { ...STAFF_MESSAGES, ...SETTINGS_MESSAGES }, 'test');

/** The form as the browser posts it, with every field at its stored default. */
const portalForm = (changes: Record<string, string | undefined> = {}) => ({
  portalEnabled: 'on', identificationMode: 'email', nationalIdLabel: 'SSN', accessMode: 'manual',
  defaultDocumentNotification: 'email', minNoticeMinutes: '120', bookingHorizonDays: '60', bufferMinutes: '0',
  cancellationWindowHours: '24', staffIdleTimeoutMinutes: '30', messagingPolicy: 'reply_only',
  portalPasskeysAllowed: 'sms', selfRegistration: 'off', proxyAgeRules: 'on', proxyTeenAge: '12', proxyAdultAge: '18',
  waitlistPortal: 'on', waitlistOfferMinutes: '15', waitlistOfferBatch: '3', ...changes,
});

const mainStreet = {
  name: 'Main Street', addressLine1: '1 Main St', addressLine2: '', city: 'Springfield', region: 'IL', postalCode: '62701',
  country: 'US', timeZone: 'America/Chicago', phone: '(217) 555-0101',
};

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, state: settingsFailure(error) };
}

describe('branding', () => {
  it('saves name, colour and theme, which the clinic profile then shows, with a before/after audit entry', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await updateBranding(db(), admin, { displayName: '  Sunny Side Clinic ', primaryColor: '#1D4ED8', theme: 'dark' });
    const profile = await loadTenantProfile(db(), clinic.id);
    expect(profile?.branding).toMatchObject({ displayName: 'Sunny Side Clinic', primaryColor: '#1d4ed8', theme: 'dark' });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.branding_changed')));
    expect(entry?.details).toEqual({
      changed: {
        displayName: { before: clinic.name, after: 'Sunny Side Clinic' },
        primaryColor: { before: '#0f766e', after: '#1d4ed8' },
        theme: { before: 'light', after: 'dark' },
      },
    });
    expect(await updateBranding(db(), admin, { displayName: 'Sunny Side Clinic', primaryColor: '#1d4ed8', theme: 'dark' })).toEqual({ changed: false });
  });

  it('normalises a short hex code', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await updateBranding(db(), admin, { displayName: 'Clinic', primaryColor: '#FA0', theme: 'system' });
    expect((await loadTenantProfile(db(), clinic.id))?.branding.primaryColor).toBe('#ffaa00');
  });

  it('refuses a colour whose text would not read at AA, with a suggestion that passes', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { error, state } = await refusal(updateBranding(db(), admin, { displayName: 'Clinic', primaryColor: '#808080', theme: 'light' }));
    expect(error).toBeInstanceOf(SettingsRuleError);
    const suggestion = state.suggestion!;
    expect(suggestion).toMatch(/^#[0-9a-f]{6}$/);
    expect(meetsAaText(suggestion, readableTextOn(suggestion))).toBe(true);
    expect(state.fieldErrors?.primaryColor).toMatch(/4\.5:1/);
    expect(state.fieldErrors?.primaryColor).toContain(suggestion);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.primaryColor).toBe('#0f766e');
    // The suggestion itself is accepted.
    await updateBranding(db(), admin, { displayName: 'Clinic', primaryColor: suggestion, theme: 'light' });
    expect((await loadTenantProfile(db(), clinic.id))?.branding.primaryColor).toBe(suggestion);
  });

  it('refuses a bad hex code, an unknown theme and an empty name with field messages', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { error, state } = await refusal(updateBranding(db(), admin, { displayName: ' ', primaryColor: 'teal', theme: 'neon' }));
    expect(error).toBeInstanceOf(SettingsValidationError);
    expect(state.fieldErrors).toEqual({
      displayName: 'Enter the portal display name.',
      primaryColor: expect.stringMatching(/hex code such as #0f766e/),
      theme: 'Choose light, dark or system.',
    });
    const bad = await refusal(updateBranding(db(), admin, { displayName: 'x', primaryColor: '#12345g', theme: 'light' }));
    expect(bad.state.fieldErrors?.primaryColor).toMatch(/hex code/);
  });

  it('refuses fields the form does not have (no mass assignment)', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { state } = await refusal(updateBranding(db(), admin, { displayName: 'x', primaryColor: '#0f766e', theme: 'light', logoUrl: 'https://evil.test/x.svg' }));
    expect(state.ok).toBe(false);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.logoUrl).toBeNull();
  });
});

describe('patient portal settings', () => {
  it('identification mode and label switch what the sign-in page asks for', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    let profile = await loadTenantProfile(db(), clinic.id);
    expect(identifierLabel(profile!.portal.identificationMode, profile!.portal.nationalIdLabel)).toBe('Email');

    await updatePortalSettings(db(), admin, portalForm({ identificationMode: 'national_id', nationalIdLabel: 'TAJ' }));
    profile = await loadTenantProfile(db(), clinic.id);
    expect(profile!.portal).toMatchObject({ identificationMode: 'national_id', nationalIdLabel: 'TAJ' });
    expect(identifierLabel(profile!.portal.identificationMode, profile!.portal.nationalIdLabel)).toBe('TAJ');
  });

  it('stores access mode, portal on/off, uploads and the idle timeout where the portal reads them', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await updatePortalSettings(db(), admin, portalForm({
      accessMode: 'automatic', portalEnabled: undefined, patientUploadsAllowed: 'on', staffIdleTimeoutMinutes: '45',
      defaultDocumentNotification: 'email_sms', messagingPolicy: 'all_clients', bookingHorizonDays: '90',
      waitlistPortal: undefined, waitlistOfferMinutes: '30', waitlistOfferBatch: '5',
    }));
    const profile = await loadTenantProfile(db(), clinic.id);
    expect(profile!.portal).toMatchObject({ accessMode: 'automatic', enabled: false, patientUploadsAllowed: true });
    expect(profile!.staffIdleTimeoutMinutes).toBe(45);
    expect(await getPortalSettings(db(), admin)).toMatchObject({
      defaultDocumentNotification: 'email_sms', messagingPolicy: 'all_clients', bookingHorizonDays: 90,
      waitlistPortal: false, waitlistOfferMinutes: 30, waitlistOfferBatch: 5,
    });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.portal_changed')));
    expect(entry?.details).toMatchObject({ changed: { accessMode: { before: 'manual', after: 'automatic' }, portalEnabled: { before: true, after: false } } });
  });

  it('refuses out-of-range and non-numeric values with messages naming the range', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { state } = await refusal(updatePortalSettings(db(), admin, portalForm({
      staffIdleTimeoutMinutes: '4', bookingHorizonDays: '0', minNoticeMinutes: 'soon', bufferMinutes: '', messagingPolicy: 'everyone', nationalIdLabel: '<b>',
      waitlistOfferMinutes: '4', waitlistOfferBatch: '21',
    })));
    expect(state.fieldErrors).toMatchObject({
      staffIdleTimeoutMinutes: 'Enter the staff idle timeout as a whole number of minutes from 5 to 720.',
      bookingHorizonDays: 'Enter the booking horizon as a whole number of days from 1 to 730.',
      minNoticeMinutes: expect.stringMatching(/whole number of minutes/),
      bufferMinutes: expect.stringMatching(/whole number of minutes from 0 to 240/),
      messagingPolicy: 'Choose a messaging policy.',
      nationalIdLabel: expect.stringMatching(/letters, digits/),
      waitlistOfferMinutes: 'Enter how long an offer holds as a whole number of minutes from 5 to 1440.',
      waitlistOfferBatch: 'Enter how many patients are offered a time at once as a whole number of patients from 1 to 20.',
    });
    expect((await getPortalSettings(db(), admin)).staffIdleTimeoutMinutes).toBe(30);
  });
});

describe('sign-in, registration and family access (issue 19)', () => {
  it('starts strict and stores the sign-in choice, the authenticator app, registration and the age rules where the portal reads them', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    let profile = await loadTenantProfile(db(), clinic.id);
    expect(profile!.portal).toMatchObject({
      passkeysAllowed: false, totpAllowed: false, selfRegistration: 'off', ageRules: { enabled: true, teenAge: 12, adultAge: 18 },
    });
    await updatePortalSettings(db(), admin, portalForm({
      portalPasskeysAllowed: 'sms_or_passkey', portalTotpAllowed: 'on', selfRegistration: 'approval',
      proxyAgeRules: undefined, proxyTeenAge: '13', proxyAdultAge: '16',
    }));
    profile = await loadTenantProfile(db(), clinic.id);
    expect(profile!.portal).toMatchObject({
      passkeysAllowed: true, totpAllowed: true, selfRegistration: 'approval', ageRules: { enabled: false, teenAge: 13, adultAge: 16 },
    });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.portal_changed')));
    expect(entry?.details).toMatchObject({ changed: { portalPasskeysAllowed: { before: false, after: true }, selfRegistration: { before: 'off', after: 'approval' } } });
  });

  it('refuses an adult age below the teen age, an unknown sign-in choice and an unknown registration mode', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { state } = await refusal(updatePortalSettings(db(), admin, portalForm({ proxyTeenAge: '16', proxyAdultAge: '14' })));
    expect(state.fieldErrors).toMatchObject({ proxyAdultAge: expect.stringMatching(/same as or above/) });
    const second = await refusal(updatePortalSettings(db(), admin, portalForm({ portalPasskeysAllowed: 'passkey_only', selfRegistration: 'anyone' })));
    expect(second.state.fieldErrors).toMatchObject({
      portalPasskeysAllowed: 'Choose how patients finish signing in.',
      selfRegistration: 'Choose whether new patients may register themselves.',
    });
    expect((await loadTenantProfile(db(), clinic.id))!.portal).toMatchObject({ passkeysAllowed: false, selfRegistration: 'off' });
  });
});

describe('locations', () => {
  it('adds a location with its phone in E.164, which the portal profile lists; edits are audited', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await createLocation(db(), admin, mainStreet);
    const [row] = await db().select().from(locations).where(and(eq(locations.tenantId, clinic.id), eq(locations.id, id)));
    expect(row).toMatchObject({ phone: '+12175550101', addressLine2: null, timeZone: 'America/Chicago', country: 'US' });
    expect((await loadTenantProfile(db(), clinic.id))?.locations.map((l) => l.name)).toEqual(['Main Street']);

    await updateLocation(db(), admin, id, { ...mainStreet, name: 'Main Street Clinic', country: 'hu', phone: '06 1 234 5678', timeZone: 'Europe/Budapest' });
    const [after] = await db().select().from(locations).where(and(eq(locations.tenantId, clinic.id), eq(locations.id, id)));
    expect(after).toMatchObject({ name: 'Main Street Clinic', country: 'HU', phone: '+3612345678', timeZone: 'Europe/Budapest' });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.location_changed')));
    expect(entry?.details).toMatchObject({ changed: { name: { before: 'Main Street', after: 'Main Street Clinic' } } });
  });

  it('refuses an unknown time zone, an undiallable phone and a bad country code', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { error, state } = await refusal(createLocation(db(), admin, { ...mainStreet, timeZone: 'Mars/Olympus_Mons' }));
    expect(error).toBeInstanceOf(SettingsValidationError);
    expect(state.fieldErrors).toEqual({ timeZone: 'Choose a time zone from the list.' });
    const phone = await refusal(createLocation(db(), admin, { ...mainStreet, phone: '12' }));
    expect(phone.state.fieldErrors?.phone).toMatch(/phone number that can be dialled/);
    const country = await refusal(createLocation(db(), admin, { ...mainStreet, country: 'XX' }));
    expect(country.state.fieldErrors?.country).toMatch(/two-letter country code/);
    expect(await listLocations(db(), admin)).toEqual([]);
  });

  it('keeps at least one active location; deactivated ones leave the portal', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const a = await createLocation(db(), admin, mainStreet);
    const b = await createLocation(db(), admin, { ...mainStreet, name: 'Riverside' });
    await setLocationActive(db(), admin, a.id, false);
    expect((await loadTenantProfile(db(), clinic.id))?.locations.map((l) => l.name)).toEqual(['Riverside']);
    const { error, state } = await refusal(setLocationActive(db(), admin, b.id, false));
    expect(error).toMatchObject({ code: 'last-active-location' });
    expect(state.message).toMatch(/Riverside is the clinic’s only active location/);
    await setLocationActive(db(), admin, a.id, true);
    await setLocationActive(db(), admin, b.id, false);
    expect((await loadTenantProfile(db(), clinic.id))?.locations.map((l) => l.name)).toEqual(['Main Street']);
  });

  it('two admins deactivating the last two locations at once: one is refused', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const a = await createLocation(db(), admin, mainStreet);
    const b = await createLocation(db(), admin, { ...mainStreet, name: 'Riverside' });
    const results = await Promise.allSettled([setLocationActive(db(), admin, a.id, false), setLocationActive(db(), admin, b.id, false)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await loadTenantProfile(db(), clinic.id))?.locations).toHaveLength(1);
  });
});

describe('document types', () => {
  it('adds, renames, hides from the portal and deactivates, each audited', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await createDocumentType(db(), admin, { name: '  Vaccination   record ' });
    await renameDocumentType(db(), admin, id, { name: 'Vaccination certificate' });
    await setDocumentTypeHidden(db(), admin, id, true);
    await setDocumentTypeActive(db(), admin, id, false);
    const [row] = await db().select().from(documentTypes).where(and(eq(documentTypes.tenantId, clinic.id), eq(documentTypes.id, id)));
    expect(row).toMatchObject({ name: 'Vaccination certificate', hiddenFromPortal: true, active: false });
    const listed = (await listDocumentTypes(db(), admin)).find((t) => t.id === id);
    expect(listed).toMatchObject({ hiddenFromPortal: true, active: false, documentCount: 0 });
    const actions = (await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.tenantId, clinic.id))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining([
      'settings.document_type_added', 'settings.document_type_changed', 'settings.document_type_deactivated',
    ]));
  });

  it('refuses a duplicate name, whatever its case, with a friendly message', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    for (const name of ['Invoice', 'invoice ']) {
      const { error, state } = await refusal(createDocumentType(db(), admin, { name }));
      expect(error).toMatchObject({ code: 'document-type-name-taken' });
      expect(state.fieldErrors?.name).toMatch(/already exists/);
    }
    const report = (await listDocumentTypes(db(), admin)).find((t) => t.name === 'Report')!;
    await expect(renameDocumentType(db(), admin, report.id, { name: 'Referral' })).rejects.toMatchObject({ code: 'document-type-name-taken' });
    const empty = await refusal(createDocumentType(db(), admin, { name: '   ' }));
    expect(empty.state.fieldErrors).toEqual({ name: 'Enter the document type name.' });
  });

  it('two admins adding the same name at once: the unique index decides, with the same message', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const results = await Promise.allSettled([
      createDocumentType(db(), admin, { name: 'Consent form' }),
      createDocumentType(db(), admin, { name: 'Consent form' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'document-type-name-taken' });
  });
});

describe('who may change settings', () => {
  it('a CRM user of clinic A cannot read or change clinic B’s locations and document types', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const adminA = await createStaffContext(a, 'admin');
    const adminB = await createStaffContext(b, 'admin');
    const location = await createLocation(db(), adminB, mainStreet);
    await createLocation(db(), adminB, { ...mainStreet, name: 'Second' });
    const typeB = (await listDocumentTypes(db(), adminB))[0]!;

    expect(await listLocations(db(), adminA)).toEqual([]);
    expect((await listDocumentTypes(db(), adminA)).map((t) => t.id)).not.toContain(typeB.id);
    await expect(updateLocation(db(), adminA, location.id, mainStreet)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setLocationActive(db(), adminA, location.id, false)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renameDocumentType(db(), adminA, typeB.id, { name: 'Hacked' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setDocumentTypeHidden(db(), adminA, typeB.id, true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setDocumentTypeActive(db(), adminA, typeB.id, false)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setLocationActive(db(), adminA, 'not-a-uuid', false)).rejects.toBeInstanceOf(NotFoundError);

    // A's branding and settings changes stay in A.
    await updateBranding(db(), adminA, { displayName: 'Clinic A', primaryColor: '#1d4ed8', theme: 'dark' });
    await updatePortalSettings(db(), adminA, portalForm({ accessMode: 'automatic' }));
    const profileB = await loadTenantProfile(db(), b.id);
    expect(profileB?.branding).toMatchObject({ primaryColor: '#0f766e', theme: 'light' });
    expect(profileB?.portal.accessMode).toBe('manual');
    const [typeAfter] = await db().select().from(documentTypes).where(and(eq(documentTypes.tenantId, b.id), eq(documentTypes.id, typeB.id)));
    expect(typeAfter?.name).toBe(typeB.name);
  });

  it('staff without settings.manage are refused', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const location = await createLocation(db(), admin, mainStreet);
    const type = (await listDocumentTypes(db(), admin))[0]!;
    for (const level of ['marketing', 'operations'] as const) {
      const ctx = await createStaffContext(clinic, level);
      const attempts: Promise<unknown>[] = [
        updateBranding(db(), ctx, { displayName: 'x', primaryColor: '#0f766e', theme: 'light' }),
        getPortalSettings(db(), ctx),
        updatePortalSettings(db(), ctx, portalForm()),
        listLocations(db(), ctx),
        createLocation(db(), ctx, mainStreet),
        updateLocation(db(), ctx, location.id, mainStreet),
        setLocationActive(db(), ctx, location.id, false),
        listDocumentTypes(db(), ctx),
        createDocumentType(db(), ctx, { name: 'New' }),
        renameDocumentType(db(), ctx, type.id, { name: 'New' }),
        setDocumentTypeHidden(db(), ctx, type.id, true),
        setDocumentTypeActive(db(), ctx, type.id, false),
      ];
      for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(settingsFailure(new ForbiddenError('settings.manage')).message).toMatch(/permission/);
  });
});
