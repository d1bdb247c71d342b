import { isSupportedCountry } from 'libphonenumber-js';
import type { AccessMode, DocumentNotification, IdentificationMode, MessagingPolicy, SelfRegistrationMode, Theme } from '@/db/schema';
import { normalizeHexColor } from '@/lib/branding/colors';
import { translationShape } from '@/lib/i18n/clinic-text';
import { toE164 } from '@/lib/phone/format';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { SettingsValidationError } from './errors';
import { isSupportedTimeZone } from './time-zones';

/**
 * One schema per CRM settings form, shared by the browser (react-hook-form) and the server. Each
 * accepts what a form posts (strings, checkbox "on") as well as typed values, and is strict: it
 * names exactly the columns its update writes, so a posted field that is not listed here is
 * refused rather than written. Browser-safe, so the lists below repeat db/schema's (the
 * `satisfies` keeps them from drifting).
 */

const themes = ['light', 'dark', 'system'] as const satisfies readonly Theme[];
const identificationModes = ['email', 'national_id'] as const satisfies readonly IdentificationMode[];
const accessModes = ['manual', 'automatic'] as const satisfies readonly AccessMode[];
const documentNotifications = ['email', 'email_sms'] as const satisfies readonly DocumentNotification[];
const messagingPolicies = ['reply_only', 'never_initiate', 'assigned_only', 'all_clients'] as const satisfies readonly MessagingPolicy[];
const selfRegistrationModes = ['off', 'open', 'approval'] as const satisfies readonly SelfRegistrationMode[];
/** How patients finish signing in: the SMS code every time (seed 004), or the SMS code or a passkey. */
export const PATIENT_SIGN_IN_CHOICES = ['sms', 'sms_or_passkey'] as const;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function text(label: string, max: number) {
  return z.preprocess(
    blankToUndefined,
    withoutControlChars(z.string({ error: `Enter the ${label}.` })).trim().max(max, `Keep the ${label} to ${max} characters or fewer.`),
  );
}

function optionalText(label: string, max: number) {
  return z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    withoutControlChars(z.string()).trim().max(max, `Keep the ${label} to ${max} characters or fewer.`).nullable(),
  );
}

/** A whole number within [min, max]; the message names the field and the range. */
function wholeNumber(label: string, min: number, max: number, unit: string) {
  const message = `Enter ${label} as a whole number of ${unit} from ${min} to ${max}.`;
  return z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    },
    z.number({ error: message }).int(message).min(min, message).max(max, message),
  );
}

const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

function choice<T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values, { error: message });
}

export const brandingSchema = z.strictObject({
  displayName: text('portal display name', 80),
  primaryColor: z
    .string({ error: 'Enter a colour as a hex code such as #0f766e.' })
    .transform((value, issue) => {
      const hex = normalizeHexColor(value);
      if (!hex) {
        issue.addIssue({ code: 'custom', message: 'Enter a colour as a hex code such as #0f766e (# and six digits 0–9 or a–f).' });
        return z.NEVER;
      }
      return hex;
    }),
  theme: choice(themes, 'Choose light, dark or system.'),
});
export type BrandingInput = z.output<typeof brandingSchema>;

export const BOOKING_LIMITS = {
  minNoticeMinutes: { min: 0, max: 10_080 },
  bookingHorizonDays: { min: 1, max: 730 },
  bufferMinutes: { min: 0, max: 240 },
  cancellationWindowHours: { min: 0, max: 336 },
  staffIdleTimeoutMinutes: { min: 5, max: 720 },
  proxyTeenAge: { min: 1, max: 21 },
  proxyAdultAge: { min: 1, max: 25 },
  waitlistOfferMinutes: { min: 5, max: 1440 },
  waitlistOfferBatch: { min: 1, max: 20 },
} as const;

const L = BOOKING_LIMITS;

export const portalSettingsSchema = z.strictObject({
  portalEnabled: checkbox,
  identificationMode: choice(identificationModes, 'Choose how patients identify themselves.'),
  nationalIdLabel: text('national ID label', 20).pipe(
    z.string().regex(/^[\p{L}\p{N} .\-/]+$/u, 'Use letters, digits, spaces, dots or hyphens for the national ID label (e.g. SSN, TAJ).'),
  ),
  accessMode: choice(accessModes, 'Choose manual or automatic access.'),
  defaultDocumentNotification: choice(documentNotifications, 'Choose “Email only” or “Email and SMS”.'),
  patientUploadsAllowed: checkbox,
  minNoticeMinutes: wholeNumber('the minimum notice', L.minNoticeMinutes.min, L.minNoticeMinutes.max, 'minutes'),
  bookingHorizonDays: wholeNumber('the booking horizon', L.bookingHorizonDays.min, L.bookingHorizonDays.max, 'days'),
  bufferMinutes: wholeNumber('the buffer', L.bufferMinutes.min, L.bufferMinutes.max, 'minutes'),
  cancellationWindowHours: wholeNumber('the cancellation window', L.cancellationWindowHours.min, L.cancellationWindowHours.max, 'hours'),
  staffIdleTimeoutMinutes: wholeNumber('the staff idle timeout', L.staffIdleTimeoutMinutes.min, L.staffIdleTimeoutMinutes.max, 'minutes'),
  messagingPolicy: choice(messagingPolicies, 'Choose a messaging policy.'),
  portalPasskeysAllowed: z.preprocess(
    (v) => (v === true ? 'sms_or_passkey' : v === false ? 'sms' : v),
    choice(PATIENT_SIGN_IN_CHOICES, 'Choose how patients finish signing in.').transform((v) => v === 'sms_or_passkey'),
  ),
  portalTotpAllowed: checkbox,
  selfRegistration: choice(selfRegistrationModes, 'Choose whether new patients may register themselves.'),
  proxyAgeRules: checkbox,
  proxyTeenAge: wholeNumber('the age from which a teen decides', L.proxyTeenAge.min, L.proxyTeenAge.max, 'years'),
  proxyAdultAge: wholeNumber('the age of adulthood', L.proxyAdultAge.min, L.proxyAdultAge.max, 'years'),
  waitlistPortal: checkbox,
  waitlistOfferMinutes: wholeNumber('how long an offer holds', L.waitlistOfferMinutes.min, L.waitlistOfferMinutes.max, 'minutes'),
  waitlistOfferBatch: wholeNumber('how many patients are offered a time at once', L.waitlistOfferBatch.min, L.waitlistOfferBatch.max, 'patients'),
}).refine((v) => v.proxyAdultAge >= v.proxyTeenAge, {
  path: ['proxyAdultAge'],
  message: 'The age of adulthood must be the same as or above the age from which a teen decides.',
});
export type PortalSettingsInput = z.output<typeof portalSettingsSchema>;

/**
 * The select offers the server's own zones, and the server checks against that list. A browser's
 * list can name the same zone differently (Asia/Calcutta, Asia/Kolkata), so there only a choice
 * is required.
 */
const knownTimeZone = (zone: string) => (typeof window === 'undefined' ? isSupportedTimeZone(zone) : zone !== '');

export const LOCATION_NOTES_MAX = 500;
/** What a location translates, limited like the default fields. */
export const LOCATION_TRANSLATED = { name: { label: 'location name', max: 80 }, notes: { label: 'notes for patients', max: LOCATION_NOTES_MAX } } as const;
export const LOCATION_TRANSLATED_FIELDS = ['name', 'notes'] as const;

export const locationSchema = z
  .strictObject({
    name: text('location name', 80),
    addressLine1: text('street address', 120),
    addressLine2: optionalText('second address line', 120),
    city: text('city', 80),
    region: optionalText('state or region', 80),
    postalCode: optionalText('postal code', 20),
    country: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
      z
        .string({ error: 'Enter a two-letter country code such as US or HU.' })
        .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), 'Enter a two-letter country code such as US or HU.'),
    ),
    timeZone: z
      .string({ error: 'Choose a time zone from the list.' })
      .refine(knownTimeZone, 'Choose a time zone from the list.'),
    phone: optionalText('phone number', 40),
    // What patients should know before coming (parking, the entrance), shown in the portal.
    notes: optionalText('notes for patients', LOCATION_NOTES_MAX),
    // The name and notes in the portal's other languages (name_es, notes_es…).
    ...translationShape(LOCATION_TRANSLATED),
  })
  .transform((value, issue) => {
    if (value.phone === null) return value;
    const e164 = toE164(value.phone, value.country as Parameters<typeof toE164>[1]);
    if (!e164) {
      issue.addIssue({
        code: 'custom',
        path: ['phone'],
        message: 'Enter a phone number that can be dialled, such as (555) 555-0101 or +36 1 234 5678.',
      });
      return z.NEVER;
    }
    return { ...value, phone: e164 };
  });
export type LocationInput = z.output<typeof locationSchema>;

export const documentTypeNameSchema = z.strictObject({
  name: text('document type name', 60).transform((n) => n.replace(/\s+/g, ' ')),
});

/** What a document type translates: its name, limited like the default. */
export const DOCUMENT_TYPE_TRANSLATED = { name: { label: 'document type name', max: 60 } } as const;
export const DOCUMENT_TYPE_TRANSLATED_FIELDS = ['name'] as const;

/** A new document type: its name and, optionally, the name in the portal's other languages. */
export const documentTypeSchema = documentTypeNameSchema.extend(translationShape(DOCUMENT_TYPE_TRANSLATED));

/** A document type's names in the portal's other languages (the row's own form; the name is renamed inline). */
export const documentTypeTranslationsSchema = z.strictObject(translationShape(DOCUMENT_TYPE_TRANSLATED));

/** Parses or throws SettingsValidationError with the first message for each field. */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    fieldErrors[key] ??= issue.code === 'unrecognized_keys' ? 'This form sent a field it does not have.' : issue.message;
  }
  throw new SettingsValidationError(fieldErrors);
}
