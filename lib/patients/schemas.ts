import type { Sex } from '@/db/schema';
import { toE164 } from '@/lib/phone/format';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The patient form's rules, shared by the EMR form (browser) and the server actions: browser-safe,
 * so the lists below repeat db/schema's (the `satisfies` keeps them from drifting).
 */
const SEXES = ['female', 'male', 'other', 'unknown'] as const satisfies readonly Sex[];

/** A calendar date typed as MM/DD/YYYY or sent by a date input as YYYY-MM-DD; must exist. */
export function parseDateInput(raw: string): string | null {
  const value = raw.normalize('NFKC').trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!us && !iso) return null;
  const [y, m, d] = us ? [us[3]!, us[1]!, us[2]!] : [iso![1]!, iso![2]!, iso![3]!];
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().startsWith(date) ? date : null;
}

// Each string names its message: a crafted post (a file, a missing field) never shows zod's own words.
const optionalText = (max: number) =>
  withoutControlChars(z.string({ error: 'Enter this as plain text.' })).trim().max(max, `Keep it under ${max} characters.`).optional().transform((v) => (v ? v : null));

const name = (label: string) =>
  withoutControlChars(z.string({ error: `Enter the ${label}.` })).trim().min(1, `Enter the ${label}.`).max(100, 'Keep it under 100 characters.')
    .refine((v) => !/[\u0000-\u001f\u007f<>]/.test(v), 'Use letters, spaces, apostrophes and hyphens.');

/** The patient form, shared by the EMR form (browser) and the server actions. */
/** An optional email: empty is null, anything else a valid address, stored lower-case. */
export function optionalEmail(message = 'Enter a valid email address.') {
  return z.string({ error: message }).trim().max(254, message).optional().transform((v, ctx) => {
    if (!v) return null;
    if (!z.email().safeParse(v).success) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return v.toLowerCase();
  });
}

/** An optional phone number: empty is null, anything else stored as E.164. */
export function optionalPhone(message: string) {
  return z.string({ error: message }).trim().max(40, message).optional().transform((v, ctx) => {
    if (!v) return null;
    const e164 = toE164(v);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return e164;
  });
}

export const patientInputSchema = z.object({
  firstName: name('first name'),
  lastName: name('last name'),
  dateOfBirth: z.string({ error: 'Enter a real date as MM/DD/YYYY.' }).transform((v, ctx) => {
    const date = parseDateInput(v);
    const today = new Date().toISOString().slice(0, 10);
    if (!date) {
      ctx.addIssue({ code: 'custom', message: 'Enter a real date as MM/DD/YYYY.' });
      return z.NEVER;
    }
    if (date > today || date < '1900-01-01') {
      ctx.addIssue({ code: 'custom', message: 'The date of birth must be between 1900 and today.' });
      return z.NEVER;
    }
    return date;
  }),
  sex: z.enum(SEXES, 'Choose an option.'),
  email: optionalEmail(),
  phone: optionalPhone('Enter a valid phone number, with the country code if it is not a US number.'),
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  city: optionalText(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  // An empty field (as the form posts it) is no country.
  country: z.string({ error: 'Use a two-letter country code, e.g. US.' }).trim().toUpperCase()
    .refine((v) => v === '' || /^[A-Z]{2}$/.test(v), 'Use a two-letter country code, e.g. US.').optional().transform((v) => v || null),
  preferredLanguage: z.enum(['en', 'es'], 'Choose a language.'),
  nationalId: z.string({ error: 'Enter the national ID with digits and letters only (dashes are fine).' }).trim().max(40, 'Enter the national ID with digits and letters only (dashes are fine).').optional().transform((v, ctx) => {
    if (!v) return undefined;
    const normalized = v.normalize('NFKC').replace(/[\s.\-/]/g, '').toUpperCase();
    if (!/^[A-Z0-9]{4,20}$/.test(normalized)) {
      ctx.addIssue({ code: 'custom', message: 'Enter the national ID with digits and letters only (dashes are fine).' });
      return z.NEVER;
    }
    return normalized;
  }),
});
export type PatientInput = z.output<typeof patientInputSchema>;

/** Creating: the same fields, and whether the person confirmed the possible duplicates shown. */
export const createPatientSchema = patientInputSchema.extend({
  confirmDuplicates: z.unknown().optional().transform((v) => v === 'yes'),
});

/** Editing: the same fields; a missing or malformed id names no patient (not-found, not a field). */
export const updatePatientSchema = patientInputSchema.extend({
  patientId: z.unknown().optional().transform((v) => (typeof v === 'string' ? v : '')),
});
