import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DataExportSection } from '@/components/portal/data/data-export-section';
import { PersonalDataForm } from '@/components/portal/data/personal-data-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { messagesFor } from '@/lib/i18n/core';
import { data } from '@/lib/i18n/messages/data';
import { codeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import { getPortalI18n } from '@/lib/i18n/portal';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { loadPersonalData } from '@/lib/patients/personal-data';
import { personalDataAction } from './actions';
import { dataExportSectionProps } from './export-section';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(data);
  return { title: t('title') };
}

const SEX_KEYS = { female: 'sexFemale', male: 'sexMale', other: 'sexOther', unknown: 'sexUnknown' } as const;

/** Seed 004 "Data", for the patient selected in the session (never an id from the URL). */
export default async function PortalDataPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('records');
  const { t, fmt, locale } = await getPortalI18n(data);
  let loaded;
  try {
    loaded = await loadPersonalData(getDb(), portal);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const { patient, relationship, pendingChange } = loaded;
  const exportSection = await dataExportSectionProps(portal, (await searchParams).export);
  const isSelf = relationship === 'self';
  const initial: Record<string, string> = {
    firstName: patient.firstName, lastName: patient.lastName, email: patient.email ?? '',
    phone: patient.phone ? formatPhoneForDisplay(patient.phone) : '', addressLine1: patient.addressLine1 ?? '',
    addressLine2: patient.addressLine2 ?? '', city: patient.city ?? '', region: patient.region ?? '',
    postalCode: patient.postalCode ?? '', country: patient.country ?? '', preferredLanguage: patient.preferredLanguage,
  };
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{isSelf ? t('introSelf') : t('introOther', { name: `${patient.firstName} ${patient.lastName}` })}</p>
      </div>
      <div className="rounded-xl border border-line bg-surface-muted p-4 text-sm">
        <dl className="grid gap-3 sm:grid-cols-3">
          <div>
            <dt className="text-fg-muted">{t('dateOfBirth')}</dt>
            <dd className="font-medium">{fmt.calendarDate(patient.dateOfBirth)}</dd>
          </div>
          <div>
            <dt className="text-fg-muted">{t('sex')}</dt>
            <dd className="font-medium">{t(SEX_KEYS[patient.sex])}</dd>
          </div>
          <div>
            <dt className="text-fg-muted">{t('recordNumber')}</dt>
            <dd className="font-medium">{patient.recordNumber}</dd>
          </div>
        </dl>
        <p className="mt-3 text-fg-muted">{t('readOnlyHint')}</p>
      </div>
      <PersonalDataForm key={portal.patient.id} action={personalDataAction} messages={messagesFor(data, locale)} codeLabels={codeStepLabels(locale)} initial={initial} isSelf={isSelf} pending={pendingChange} />
      {exportSection ? <DataExportSection {...exportSection} /> : null}
    </div>
  );
}
