import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getCountryCallingCode, isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import type { Executor } from '@/db/client';
import { locations, type IdentificationMode } from '@/db/schema';
import { identifierLabel, normalizeIdentifier } from '@/lib/auth/identifiers';
import { identifierInSentence } from '@/lib/auth/messages';
import type { SignupWording } from '@/lib/commerce/visitor-signup-forms';
import type { Locale } from '@/lib/i18n/core';
import { normalizeNationalId, protectNationalId } from '@/lib/patients/national-id';
import { parseDateInput } from '@/lib/patients/schemas';
import { toE164 } from '@/lib/phone/format';
import type { TenantProfile } from '@/lib/tenancy/profile';

/**
 * A person the clinic does not know yet, as they type themselves in: the shop's sign-up for new
 * visitors (lib/commerce/visitor-signup.ts) and the portal's self-registration
 * (registration.ts). What they typed is read the one way the clinic's records hold it; the
 * problems are keys of the shop-join catalogue, which both forms word.
 */

export type NewPersonField = 'firstName' | 'lastName' | 'dateOfBirth' | 'phone' | 'email' | 'identifier';
export type NewPersonProblems = Partial<Record<NewPersonField, string>>;

export interface NewPersonInput {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  phone: string;
  email?: string;
  /** The national ID, in clinics that sign in with it. */
  identifier?: string;
}

/** What the person typed, as it will be stored. */
export interface NewPersonDetails {
  firstName: string;
  lastName: string;
  /** ISO date. */
  dateOfBirth: string;
  /** Lower-cased; null when not given (a national-ID clinic's optional email). */
  email: string | null;
  /** E.164. */
  phone: string;
  /** Stored as patients keep it: ciphertext, lookup hash, last four. */
  nationalId: { nationalIdEnc: string; nationalIdHash: string; nationalIdLast4: string } | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The details as the record will hold them, or every problem at once. Pure: the phone number is
 * read in the clinic's country, the date of birth must be a real day between 1900 and `today`,
 * the national ID is asked for only where the clinic signs in with it.
 */
export function checkNewPersonDetails(
  input: NewPersonInput,
  rules: { mode: IdentificationMode; country: CountryCode; today: string; emailRequired: boolean },
): { ok: true; details: NewPersonDetails } | { ok: false; problems: NewPersonProblems } {
  const problems: NewPersonProblems = {};
  const dateOfBirth = parseDateInput(input.dateOfBirth);
  if (!dateOfBirth) problems.dateOfBirth = 'errDateOfBirth';
  else if (dateOfBirth < '1900-01-01' || dateOfBirth > rules.today) problems.dateOfBirth = 'errDateOfBirthRange';
  const phone = toE164(input.phone, rules.country);
  if (!phone) problems.phone = 'errPhone';
  const typedEmail = input.email?.trim() ?? '';
  const email = typedEmail ? normalizeIdentifier('email', typedEmail) : null;
  if ((email && !EMAIL.test(email)) || (!email && rules.emailRequired)) problems.email = 'errEmail';
  let nationalId: NewPersonDetails['nationalId'] = null;
  if (rules.mode === 'national_id') {
    const typed = normalizeNationalId(input.identifier ?? '');
    if (!typed) problems.identifier = 'errIdentifier';
    else if (!/^[A-Z0-9]{4,20}$/.test(typed)) problems.identifier = 'errIdentifierShape';
    else nationalId = protectNationalId(typed);
  }
  if (Object.keys(problems).length > 0 || !dateOfBirth || !phone) return { ok: false, problems };
  return { ok: true, details: { firstName: input.firstName, lastName: input.lastName, dateOfBirth, email, phone, nationalId } };
}

/** The clinic's country (its first location's, as the portal lists them), for phone numbers typed without a country code. */
export async function clinicCountry(db: Executor, tenantId: string): Promise<CountryCode> {
  const [row] = await db
    .select({ country: locations.country })
    .from(locations)
    .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true)))
    .orderBy(asc(locations.name))
    .limit(1);
  const country = row?.country?.toUpperCase();
  return country && isSupportedCountry(country) ? country : 'US';
}

/** What the forms' sentences name, in the reader's language: the clinic, its sign-in identifier, its country's calling code. */
export async function newPersonWording(db: Executor, profile: TenantProfile, locale: Locale): Promise<SignupWording> {
  const { identificationMode, nationalIdLabel } = profile.portal;
  return {
    clinic: profile.branding.displayName,
    identifier: identifierInSentence(identifierLabel(identificationMode, nationalIdLabel), locale),
    callingCode: getCountryCallingCode(await clinicCountry(db, profile.id)),
  };
}
