'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { portalAction } from '@/lib/actions/wrappers';
import { now } from '@/lib/clock';
import { uploadFromPortal } from '@/lib/documents/patient-uploads';
import { declaredTypeFor } from '@/lib/documents/file-rules';
import { uploads } from '@/lib/i18n/messages/uploads';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import type { UploadFormState } from './form-state';

/** Today's date where the patient is: the uploaded document's date, for "newest first". */
function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now());
  } catch {
    return now().toISOString().slice(0, 10);
  }
}

export const uploadPatientDocumentAction = portalAction(
  { area: 'documents', catalog: uploads, pick: ['title', 'typeId'], messages: { notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' } },
  async (ctx, input, { t, form }): Promise<UploadFormState> => {
    const values = { title: (input.title ?? '').slice(0, 1000), typeId: (input.typeId ?? '').slice(0, 100) };
    const file = form?.get('file');
    if (!(file instanceof File) || (file.size === 0 && !file.name)) return { values, fieldErrors: { file: t('errFileMissing') }, message: t('fixErrors') };
    const profile = await getTenantProfile(ctx.tenant.id);
    const zone = ctx.account.timeZone ?? profile?.locations[0]?.timeZone ?? 'UTC';
    const row = await uploadFromPortal(getDb(), ctx, {
      ...values, today: todayIn(zone),
      file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name, declaredType: declaredTypeFor(file) },
    }, t);
    revalidatePath('/portal/documents');
    return { ok: true, message: t('uploaded', { title: row.title }) };
  },
);
