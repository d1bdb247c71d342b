import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { bookingParamsSchema } from '@/app/t/[tenant]/portal/(app)/bookings/params';
import { portalCredentialsSchema, staffCredentialsSchema, totpSchema, verificationCodeSchema } from '@/lib/auth/schemas';
import { documentMetadataSchema } from '@/lib/documents/upload-rules';
import { contactInputSchema } from '@/lib/patients/contact-schema';
import { patientInputSchema } from '@/lib/patients/schemas';
import {
  activationCredentialsSchema, activationDetailsSchema, currentPasswordSchema, emailSchema, identifierSchema, linkTokenSchema,
  newPasswordSchema, portalInviteSchema,
} from '@/lib/portal-access/schemas';
import { hoursSchema, timeOffSchema } from '@/lib/providers/schemas';
import { serviceSchema } from '@/lib/services/schemas';
import { brandingSchema, documentTypeNameSchema, locationSchema, portalSettingsSchema } from '@/lib/settings/schemas';
import { hostileString, hostileValue, impossibleDate, unicodeDigits } from '../support/hostile';

/**
 * Every zod schema that reads a form or a URL, fed hostile values (issue 7, bad input): parsing
 * never throws, and what it accepts keeps the promises the code after it relies on: bounded
 * lengths, real dates, E.164 phones, ASCII digits, and no NUL (Postgres text cannot hold one, so
 * a NUL that passes the schema becomes a 500 at the insert).
 */

const RUNS = { numRuns: 300 };

/** Every string inside a parsed value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(strings);
}

const realDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const e164 = (p: unknown) => p === null || (typeof p === 'string' && /^\+[1-9]\d{6,14}$/.test(p));

/** Field values a form or a JSON caller might send, each field possibly missing. */
function inputFor(fields: readonly string[], value: fc.Arbitrary<unknown> = hostileValue) {
  return fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] });
}

interface Case {
  name: string;
  schema: z.ZodType;
  fields: readonly string[];
  /** Fixed values mixed in, so the hostile ones reach the later refinements. */
  base?: Record<string, unknown>;
  check?: (out: Record<string, unknown>) => void;
}

const maxLen = (out: Record<string, unknown>, limits: Record<string, number>) => {
  for (const [k, max] of Object.entries(limits)) {
    const v = out[k];
    if (typeof v === 'string') expect([...v].length, k).toBeLessThanOrEqual(max);
  }
};

const CASES: Case[] = [
  { name: 'portal credentials', schema: portalCredentialsSchema, fields: ['identifier', 'password'], base: { identifier: 'maria@example.com', password: 'pw' }, check: (o) => maxLen(o, { identifier: 254, password: 256 }) },
  { name: 'SMS code', schema: verificationCodeSchema, fields: ['code'], check: (o) => maxLen(o, { code: 20 }) },
  { name: 'staff credentials', schema: staffCredentialsSchema, fields: ['email', 'password'], base: { email: 'ann@example.com', password: 'pw' }, check: (o) => maxLen(o, { email: 254, password: 256 }) },
  { name: 'TOTP', schema: totpSchema, fields: ['token'], base: { token: '123456' }, check: (o) => expect(o.token).toMatch(/^[0-9]{6}$/) },
  {
    name: 'patient', schema: patientInputSchema,
    fields: ['firstName', 'lastName', 'dateOfBirth', 'sex', 'email', 'phone', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'preferredLanguage', 'nationalId'],
    base: { firstName: 'Ana', lastName: 'Ruiz', dateOfBirth: '1990-01-02', sex: 'female', preferredLanguage: 'en' },
    check: (o) => {
      maxLen(o, { firstName: 100, lastName: 100, addressLine1: 200, addressLine2: 200, city: 100, region: 100, postalCode: 20 });
      expect(realDate(o.dateOfBirth as string)).toBe(true);
      expect(e164(o.phone)).toBe(true);
      if (o.nationalId !== undefined) expect(o.nationalId).toMatch(/^[A-Z0-9]{4,20}$/);
      if (o.country !== null) expect(o.country).toMatch(/^[A-Z]{2}$/);
    },
  },
  {
    name: 'contact', schema: contactInputSchema, fields: ['kind', 'relationship', 'recordNumber', 'fullName', 'email', 'phone'],
    base: { kind: 'person', relationship: 'parent', fullName: 'Ana' },
    check: (o) => {
      maxLen(o, { fullName: 120, recordNumber: 30 });
      if (o.kind === 'person') expect(e164(o.phone)).toBe(true);
    },
  },
  {
    name: 'activation details', schema: activationDetailsSchema, fields: ['portalCode', 'firstInitial', 'lastInitial', 'dateOfBirth'],
    base: { portalCode: '123456', firstInitial: 'M', lastInitial: 'L', dateOfBirth: '04/12/1986' },
    check: (o) => {
      expect(o.portalCode).toMatch(/^[0-9]{6}$/);
      expect(realDate(o.dateOfBirth as string)).toBe(true);
    },
  },
  { name: 'new password', schema: newPasswordSchema, fields: ['password', 'confirmPassword'], base: { password: 'pw', confirmPassword: 'pw' }, check: (o) => maxLen(o, { password: 1024, confirmPassword: 1024 }) },
  { name: 'activation credentials', schema: activationCredentialsSchema, fields: ['password', 'confirmPassword', 'identifier'], base: { password: 'pw', confirmPassword: 'pw' }, check: (o) => maxLen(o, { identifier: 254 }) },
  { name: 'identifier', schema: identifierSchema, fields: ['identifier'], check: (o) => maxLen(o, { identifier: 254 }) },
  { name: 'email', schema: emailSchema, fields: ['email'], base: { email: 'a@example.com' }, check: (o) => maxLen(o, { email: 254 }) },
  { name: 'current password', schema: currentPasswordSchema, fields: ['currentPassword'], check: (o) => maxLen(o, { currentPassword: 256 }) },
  {
    name: 'portal invite', schema: portalInviteSchema, fields: ['patientId', 'email', 'relationship', 'message'],
    base: { patientId: '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c', email: 'a@example.com', relationship: 'parent' },
    check: (o) => maxLen(o, { email: 254 }),
  },
  {
    name: 'opening hours', schema: hoursSchema, fields: ['locationId', 'weekday', 'startTime', 'endTime'],
    base: { locationId: 'x', weekday: '1', startTime: '09:00', endTime: '17:00' },
    check: (o) => {
      expect(o.startTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(o.endTime as string > (o.startTime as string)).toBe(true);
      expect(Number.isInteger(o.weekday) && (o.weekday as number) >= 0 && (o.weekday as number) <= 6).toBe(true);
    },
  },
  {
    name: 'time off', schema: timeOffSchema, fields: ['locationId', 'startsAt', 'endsAt', 'reason'],
    base: { locationId: 'x', startsAt: '2026-03-08T01:00', endsAt: '2026-03-08T04:00' },
    check: (o) => {
      for (const k of ['startsAt', 'endsAt']) expect(realDate((o[k] as { date: string }).date)).toBe(true);
      maxLen(o, { reason: 200 });
    },
  },
  {
    name: 'service', schema: serviceSchema, fields: ['name', 'description', 'durationMinutes', 'price', 'bookableOnline', 'isVideo', 'active'],
    base: { name: 'Checkup', durationMinutes: '30', price: '' },
    check: (o) => {
      maxLen(o, { name: 80, description: 500 });
      expect(Number.isInteger(o.durationMinutes) && (o.durationMinutes as number) >= 5 && (o.durationMinutes as number) <= 480).toBe(true);
      if (o.price !== null) expect(Number.isSafeInteger(o.price) && (o.price as number) >= 0 && (o.price as number) <= 99_999_999).toBe(true);
    },
  },
  { name: 'branding', schema: brandingSchema, fields: ['displayName', 'primaryColor', 'theme'], base: { displayName: 'X', primaryColor: '#0f766e', theme: 'light' }, check: (o) => expect(o.primaryColor).toMatch(/^#[0-9a-f]{6}$/) },
  {
    name: 'portal settings', schema: portalSettingsSchema,
    fields: ['portalEnabled', 'identificationMode', 'nationalIdLabel', 'accessMode', 'defaultDocumentNotification', 'patientUploadsAllowed', 'minNoticeMinutes', 'bookingHorizonDays', 'bufferMinutes', 'cancellationWindowHours', 'staffIdleTimeoutMinutes', 'messagingPolicy',
      'portalPasskeysAllowed', 'portalTotpAllowed', 'selfRegistration', 'proxyAgeRules', 'proxyTeenAge', 'proxyAdultAge', 'waitlistPortal',
      'waitlistOfferMinutes', 'waitlistOfferBatch'],
    base: {
      portalEnabled: 'on', identificationMode: 'email', nationalIdLabel: 'SSN', accessMode: 'manual', defaultDocumentNotification: 'email',
      minNoticeMinutes: '60', bookingHorizonDays: '60', bufferMinutes: '0', cancellationWindowHours: '24', staffIdleTimeoutMinutes: '30', messagingPolicy: 'reply_only',
      portalPasskeysAllowed: 'sms', selfRegistration: 'off', proxyTeenAge: '12', proxyAdultAge: '18', waitlistOfferMinutes: '15', waitlistOfferBatch: '3',
    },
    check: (o) => {
      for (const k of ['minNoticeMinutes', 'bookingHorizonDays', 'bufferMinutes', 'cancellationWindowHours', 'staffIdleTimeoutMinutes', 'proxyTeenAge', 'proxyAdultAge', 'waitlistOfferMinutes', 'waitlistOfferBatch']) expect(Number.isSafeInteger(o[k]), k).toBe(true);
      expect(o.proxyAdultAge as number).toBeGreaterThanOrEqual(o.proxyTeenAge as number);
      expect(typeof o.portalPasskeysAllowed).toBe('boolean');
      maxLen(o, { nationalIdLabel: 20 });
    },
  },
  {
    name: 'location', schema: locationSchema, fields: ['name', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'timeZone', 'phone'],
    base: { name: 'Main', addressLine1: '1 Main St', city: 'Austin', country: 'US', timeZone: 'America/Chicago' },
    check: (o) => {
      maxLen(o, { name: 80, addressLine1: 120, addressLine2: 120, city: 80, region: 80, postalCode: 20 });
      expect(e164(o.phone)).toBe(true);
    },
  },
  { name: 'document type', schema: documentTypeNameSchema, fields: ['name'], check: (o) => maxLen(o, { name: 60 }) },
  {
    name: 'document metadata', schema: documentMetadataSchema, fields: ['typeId', 'title', 'examinationDate', 'visibleToPatient', 'sendNotification'],
    base: { typeId: '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c', title: 'Scan', examinationDate: '2026-01-05', visibleToPatient: true, sendNotification: false },
    check: (o) => {
      maxLen(o, { title: 200 });
      expect(realDate(o.examinationDate as string)).toBe(true);
    },
  },
  { name: 'booking URL params', schema: bookingParamsSchema, fields: ['location', 'service', 'provider', 'week', 'slot', 'notice'] },
];

/**
 * Fields whose schema lets a NUL through. Postgres text (and a bound query parameter) cannot hold
 * U+0000: the statement fails with 22021 "invalid byte sequence", a 500 unless the action maps it.
 * Known bugs only (none today: lib/validation/text.ts refuses control characters); a new entry is
 * a reported bug, and turns red once fixed.
 */
const KNOWN_NUL_LEAKS: Record<string, string[]> = {};

/** Passwords only reach argon2 (which takes any bytes), never a column or a query. */
const HASHED_ONLY = new Set(['password', 'confirmPassword', 'currentPassword']);

function nulLeaks({ schema, fields, base }: Case): string[] {
  const leaky: string[] = [];
  for (const field of fields.filter((f) => !HASHED_ONLY.has(f))) {
    const seed = typeof base?.[field] === 'string' ? (base[field] as string) : 'a';
    for (const value of [`${seed}\u0000`, `\u0000${seed}`, `${seed.slice(0, 1)}\u0000${seed.slice(1)}`]) {
      const parsed = schema.safeParse({ ...base, [field]: value });
      if (parsed.success && strings(parsed.data).some((s) => s.includes('\u0000'))) {
        leaky.push(field);
        break;
      }
    }
  }
  return leaky;
}

describe.each(CASES)('$name schema with hostile input', (c) => {
  const { schema, fields, base, check } = c;
  const run = (input: unknown) => {
    const parsed = schema.safeParse(input);
    if (parsed.success && check) check(parsed.data as Record<string, unknown>);
    return parsed;
  };

  it('never throws on hostile values or wrong types, and what it accepts keeps its invariants', () => {
    fc.assert(fc.property(inputFor(fields), (input) => void run(input)), RUNS);
    fc.assert(fc.property(fc.anything(), (input) => void run(input)), { numRuns: 100 });
  });

  it('never throws when one hostile field sits among valid ones', () => {
    const one = fc.tuple(fc.constantFrom(...fields), hostileValue).map(([k, v]) => ({ ...base, [k]: v }));
    fc.assert(fc.property(one, (input) => void run(input)), RUNS);
  });

  const known = KNOWN_NUL_LEAKS[c.name];
  if (known) {
    it('lets a NUL through only in the fields already reported', () => expect(nulLeaks(c)).toEqual(known));
    // Known bug (reported): turns red once the schema refuses NUL; then drop the entry above.
    it.fails('lets no NUL through (the database refuses it)', () => expect(nulLeaks(c)).toEqual([]));
  } else {
    it('lets no NUL through (the database refuses it)', () => expect(nulLeaks(c)).toEqual([]));
  }
});

describe('digits and dates that only look right', () => {
  it('a date of birth in Arabic-Indic digits or a non-existent day is refused, fullwidth digits are read as ASCII', () => {
    const dob = (v: string) => patientInputSchema.shape.dateOfBirth.safeParse(v);
    expect(dob('١٩٩٠-٠١-٠٢').success).toBe(false);
    expect(dob('１９９０-０１-０２')).toMatchObject({ success: true, data: '1990-01-02' });
    fc.assert(fc.property(impossibleDate, (d) => {
      const r = dob(d);
      if (r.success) expect(realDate(r.data)).toBe(true);
    }), RUNS);
  });

  it('number fields take no non-ASCII digits', () => {
    fc.assert(fc.property(unicodeDigits.filter((s) => /[^0-9]/.test(s)), (digits) => {
      expect(serviceSchema.shape.durationMinutes.safeParse(digits).success).toBe(false);
      expect(hoursSchema.safeParse({ locationId: 'x', weekday: digits.slice(0, 1), startTime: '09:00', endTime: '10:00' }).success).toBe(false);
    }), RUNS);
  });

  it('time off whose end is before its start is accepted by the schema only as two real dates (the lib compares them)', () => {
    const r = timeOffSchema.safeParse({ locationId: 'x', startsAt: '2026-03-08T05:00', endsAt: '2026-03-08T04:00' });
    expect(r.success).toBe(true);
  });

  it('time off on a day that does not exist is refused', () => {
    for (const v of ['2026-02-30T09:00', '2026-13-01T09:00', '2026-01-01T24:00', '2026-01-01T09:60'])
      expect(timeOffSchema.safeParse({ locationId: 'x', startsAt: v, endsAt: '2026-03-08T04:00' }).success, v).toBe(false);
  });

  it('a link token in anything but 43 base64url characters is refused', () => {
    fc.assert(fc.property(hostileString, (s) => {
      const r = linkTokenSchema.safeParse(s);
      if (r.success) expect(r.data).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }), RUNS);
  });
});
