'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import { fieldErrorsOf } from '@/lib/actions/failures';
import { portalAction } from '@/lib/actions/wrappers';
import { data } from '@/lib/i18n/messages/data';
import { getSmsSender } from '@/lib/messaging/providers';
import {
  cancelContactChange,
  personalDataFormInput,
  resendContactChangeCode,
  savePersonalData,
  verifyContactChangeCode,
  type ClinicForCodes,
} from '@/lib/patients/personal-data';
import { PERSONAL_DATA_FIELDS, type DataFormState } from '@/lib/patients/personal-data-form';
import { personalDataProblem, personalDataProblemField } from '@/lib/patients/personal-data-refusals';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/** The clinic as its codes name it, and how its patients sign in (email or national ID). */
async function clinicForCodes(ctx: PortalContext): Promise<ClinicForCodes> {
  const profile = await getTenantProfile(ctx.tenant.id);
  return { displayName: profile?.branding.displayName ?? ctx.tenant.name, identificationMode: profile?.portal.identificationMode ?? 'email' };
}

/**
 * One form of several steps (the fields, then the SMS codes of a phone or email change), told
 * apart by `intent`: each step answers the next state of the same page.
 */
export const personalDataAction = portalAction(
  {
    area: 'records',
    catalog: data,
    pick: [...PERSONAL_DATA_FIELDS, 'intent', 'code'],
    echo: PERSONAL_DATA_FIELDS,
    // A patient unlinked meanwhile, or a race with the clinic's own edit: nothing was saved.
    messages: { notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' },
  },
  async (ctx, input, { t, prev }): Promise<DataFormState> => {
    const db = getDb();
    const before = (prev ?? { step: 'form' }) as DataFormState;
    const intent = input.intent;

    if (intent === 'restart') {
      await cancelContactChange(db, ctx);
      revalidatePath('/portal/data');
      return { step: 'form', notice: t('changeCancelled') };
    }

    if (intent === 'resend') {
      const result = await resendContactChangeCode(db, ctx, await clinicForCodes(ctx), getSmsSender());
      if (!result.ok) {
        if (result.error === 'no-attempt') return { step: 'form', message: personalDataProblem(t, result) };
        return { ...before, step: 'code', notice: undefined, message: personalDataProblem(t, result) };
      }
      return { ...before, step: 'code', message: undefined, fieldErrors: undefined, notice: t('codeResent'), resendAt: result.resendAvailableAt.getTime() };
    }

    if (intent === 'code') {
      const result = await verifyContactChangeCode(db, ctx, (input.code ?? '').slice(0, 20), await clinicForCodes(ctx), getSmsSender());
      if (!result.ok) {
        const message = personalDataProblem(t, result);
        if (result.error === 'malformed') return { ...before, step: 'code', notice: undefined, message: undefined, fieldErrors: { code: message } };
        if (['no-attempt', 'too-many-attempts', 'stale', 'email-taken'].includes(result.error)) {
          revalidatePath('/portal/data');
          return { step: 'form', message };
        }
        return { ...before, step: 'code', notice: undefined, fieldErrors: undefined, message };
      }
      if (!result.done) {
        return { step: 'code', stage: result.next.stage, maskedPhone: result.next.maskedPhone, resendAt: result.next.resendAvailableAt.getTime() };
      }
      revalidatePath('/portal/data');
      return { step: 'form', notice: t('contactChanged') };
    }

    // Only the named fields, as strings; the form shows them again whatever the answer.
    const values = Object.fromEntries(PERSONAL_DATA_FIELDS.map((name) => [name, (input[name] ?? '').slice(0, 500)]));
    const parsed = personalDataFormInput.safeParse(values);
    if (!parsed.success) {
      return { step: 'form', values, fieldErrors: fieldErrorsOf(parsed.error, (key) => t(key as keyof typeof data.en)), message: t('fixErrors') };
    }
    const result = await savePersonalData(db, ctx, parsed.data, await clinicForCodes(ctx), getSmsSender());
    if (!result.ok) {
      const field = personalDataProblemField(result.error);
      if (field) return { step: 'form', values, fieldErrors: { [field]: personalDataProblem(t, result) }, message: t('fixErrors') };
      return { step: 'form', values, message: personalDataProblem(t, result) };
    }
    revalidatePath('/portal/data');
    if (result.verification) {
      return {
        step: 'code', values, stage: result.verification.stage, maskedPhone: result.verification.maskedPhone,
        resendAt: result.verification.resendAvailableAt.getTime(), notice: t('savedPendingCode'),
      };
    }
    return { step: 'form', values, notice: result.changed.length > 0 ? t('saved') : t('noChanges') };
  },
);
