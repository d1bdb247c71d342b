'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { DocumentInputError } from '@/lib/documents/errors';
import { declaredTypeFor, formatBytes } from '@/lib/documents/upload-rules';
import { getClientInfo } from '@/lib/http/client-info';
import { uploads } from '@/lib/i18n/messages/uploads';
import { getPortalI18n } from '@/lib/i18n/portal';
import { PatientUploadsDisabledError, patientUploadLimit, uploadPatientDocument } from '@/lib/documents/patient-uploads';
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

export async function uploadPatientDocumentAction(_prev: UploadFormState, form: FormData): Promise<UploadFormState> {
  const portal = await requirePortalPatient();
  const { t } = await getPortalI18n(uploads);
  const profile = await getTenantProfile(portal.tenant.id);
  const title = typeof form.get('title') === 'string' ? String(form.get('title')).slice(0, 1000) : '';
  const typeId = typeof form.get('typeId') === 'string' ? String(form.get('typeId')).slice(0, 100) : '';
  const values = { title, typeId };
  const file = form.get('file');
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return { values, fieldErrors: { file: t('errFileMissing') }, message: t('fixErrors') };

  const db = getDb();
  const zone = portal.account.timeZone ?? profile?.locations[0]?.timeZone ?? 'UTC';
  try {
    const row = await uploadPatientDocument(
      db,
      { ...portal, ...(await getClientInfo()) },
      { title, typeId, today: todayIn(zone), file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name, declaredType: declaredTypeFor(file) } },
    );
    revalidatePath('/portal/documents');
    return { ok: true, message: t('uploaded', { title: row.title }) };
  } catch (error) {
    if (error instanceof PatientUploadsDisabledError) return { values, message: t('errDisabled') };
    if (!(error instanceof DocumentInputError)) {
      console.error('portal upload failed', error instanceof Error ? error.name : 'unknown');
      return { values, message: t('errGeneric') };
    }
    const fieldErrors: UploadFormState['fieldErrors'] = {};
    if (error.code === 'empty') fieldErrors.file = t('errEmpty');
    else if (error.code === 'too_large') fieldErrors.file = t('errTooLarge', { size: formatBytes(file.size), max: formatBytes(await patientUploadLimit(db, portal)) });
    else if (error.code === 'unsupported_type') fieldErrors.file = t('errWrongType');
    else if (error.code === 'unknown_type') fieldErrors.typeId = t('errType');
    else if (error.field === 'title') fieldErrors.title = error.message === 'Enter a title.' ? t('errTitle') : t('errTitleTooLong');
    else return { values, message: t('errGeneric') };
    return { values, fieldErrors, message: t('fixErrors') };
  }
}
