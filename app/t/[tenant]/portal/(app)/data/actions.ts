'use server';

import { revalidatePath } from 'next/cache';
import type { DataFormState } from '@/components/portal/data/form-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { getClientInfo } from '@/lib/http/client-info';
import { data } from '@/lib/i18n/messages/data';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getSmsSender } from '@/lib/messaging/providers';
import {
  cancelContactChange,
  PERSONAL_DATA_FIELDS,
  personalDataSchema,
  resendContactChangeCode,
  savePersonalData,
  verifyContactChangeCode,
  type ClinicForCodes,
} from '@/lib/patients/personal-data';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

type Key = keyof typeof data.en;

const FIELD_ERROR_KEYS: Partial<Record<string, Key>> = {
  firstName: 'errFirstName', lastName: 'errLastName', email: 'errEmail', phone: 'errPhone', country: 'errCountry', preferredLanguage: 'errLanguage',
};

const ERROR_KEYS: Record<string, Key> = {
  'no-attempt': 'errNoAttempt', malformed: 'errCodeFormat', expired: 'errCodeExpired', 'no-code': 'errCodeExpired',
  'too-many-attempts': 'errTooManyAttempts', stale: 'errStale', 'email-taken': 'errEmailTaken', 'sms-failed': 'errSmsFailed',
  'phone-required': 'errPhoneRequired', 'email-required': 'errEmailRequired', 'national-id-taken': 'errGeneric',
};

async function request() {
  const portal = await requirePortalPatient();
  const profile = await getTenantProfile(portal.tenant.id);
  const scope = { ...portal, ...(await getClientInfo()) };
  const clinic: ClinicForCodes = {
    displayName: profile?.branding.displayName ?? portal.tenant.name,
    identificationMode: profile?.portal.identificationMode ?? 'email',
  };
  return { db: getDb(), scope, clinic, sms: getSmsSender() };
}

/** Only the named fields, as strings; an empty optional field is "not given". */
function readValues(form: FormData): Record<string, string> {
  return Object.fromEntries(PERSONAL_DATA_FIELDS.map((name) => {
    const value = form.get(name);
    return [name, typeof value === 'string' ? value.slice(0, 500) : ''];
  }));
}

export async function personalDataAction(prev: DataFormState, form: FormData): Promise<DataFormState> {
  const { t } = await getPortalI18n(data);
  const { db, scope, clinic, sms } = await request();
  const intent = form.get('intent');
  const failure = (result: { error: string; attemptsLeft?: number; retryAfterSeconds?: number }): string => {
    if (result.error === 'wrong-code') return t('errWrongCode', { count: result.attemptsLeft ?? 0 });
    if (result.error === 'too-many-codes') return t('errTooManyCodes', { minutes: Math.max(1, Math.ceil((result.retryAfterSeconds ?? 60) / 60)) });
    if (result.error === 'resend-too-soon') return t('errResendTooSoon', { seconds: result.retryAfterSeconds ?? 60 });
    return t(ERROR_KEYS[result.error] ?? 'errGeneric');
  };

  if (intent === 'restart') {
    await cancelContactChange(db, scope);
    revalidatePath('/portal/data');
    return { step: 'form', notice: t('changeCancelled') };
  }

  if (intent === 'resend') {
    const result = await resendContactChangeCode(db, scope, clinic, sms);
    if (!result.ok) {
      if (result.error === 'no-attempt') return { step: 'form', message: failure(result) };
      return { ...prev, step: 'code', notice: undefined, message: failure(result) };
    }
    return { ...prev, step: 'code', message: undefined, fieldErrors: undefined, notice: t('codeResent'), resendAt: result.resendAvailableAt.getTime() };
  }

  if (intent === 'code') {
    const code = form.get('code');
    const result = await verifyContactChangeCode(db, scope, typeof code === 'string' ? code.slice(0, 20) : '', clinic, sms);
    if (!result.ok) {
      if (result.error === 'malformed') return { ...prev, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: failure(result) } };
      if (['no-attempt', 'too-many-attempts', 'stale', 'email-taken'].includes(result.error)) {
        revalidatePath('/portal/data');
        return { step: 'form', message: failure(result) };
      }
      return { ...prev, step: 'code', notice: undefined, fieldErrors: undefined, message: failure(result) };
    }
    if (!result.done) {
      return { step: 'code', stage: result.next.stage, maskedPhone: result.next.maskedPhone, resendAt: result.next.resendAvailableAt.getTime() };
    }
    revalidatePath('/portal/data');
    return { step: 'form', notice: t('contactChanged') };
  }

  const values = readValues(form);
  const parsed = personalDataSchema.safeParse(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() === '' && k !== 'firstName' && k !== 'lastName' ? undefined : v])));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field && !fieldErrors[field]) fieldErrors[field] = t(FIELD_ERROR_KEYS[field] ?? 'errTooLong');
    }
    return { step: 'form', values, fieldErrors, message: t('fixErrors') };
  }
  const result = await savePersonalData(db, scope, parsed.data, clinic, sms);
  if (!result.ok) {
    const field = result.error === 'phone-required' ? 'phone' : result.error === 'email-required' || result.error === 'email-taken' ? 'email' : null;
    if (field) return { step: 'form', values, fieldErrors: { [field]: failure(result) }, message: t('fixErrors') };
    return { step: 'form', values, message: failure(result) };
  }
  revalidatePath('/portal/data');
  if (result.verification) {
    return {
      step: 'code', values, stage: result.verification.stage, maskedPhone: result.verification.maskedPhone,
      resendAt: result.verification.resendAvailableAt.getTime(), notice: t('savedPendingCode'),
    };
  }
  return { step: 'form', values, notice: result.changed.length > 0 ? t('saved') : t('noChanges') };
}
