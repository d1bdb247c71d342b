import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { uploads } from '@/lib/i18n/messages/uploads';
import { getPortalI18n } from '@/lib/i18n/portal';
import { listUploadDocumentTypes, patientUploadLimit, patientUploadsAllowed } from '@/lib/documents/patient-uploads';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { PatientUploadForm } from './upload-form';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(uploads);
  return { title: t('title') };
}

/** Issue 5 point 6: only where the clinic allows patient uploads; elsewhere the page does not exist. */
export default async function PortalUploadPage({ params }: { params: Promise<{ tenant: string }> }) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('documents');
  const db = getDb();
  // Read from the settings row, not the cached profile: turning uploads off takes effect at once.
  if (!(await patientUploadsAllowed(db, portal))) notFound();
  const { t, locale } = await getPortalI18n(uploads);
  const [allTypes, maxBytes] = await Promise.all([listUploadDocumentTypes(db, portal), patientUploadLimit(db, portal)]);
  const { patient } = portal;
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <Link href="/portal/documents" className="text-sm link">
          {t('backToDocuments')}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">
          {patient.relationship === 'self' ? t('intro') : t('introOther', { name: `${patient.firstName} ${patient.lastName}` })}
        </p>
      </div>
      <PatientUploadForm locale={locale} types={allTypes} maxBytes={maxBytes} />
    </div>
  );
}
