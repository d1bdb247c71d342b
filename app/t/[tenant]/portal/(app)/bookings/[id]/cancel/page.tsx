import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChangeWindowClosed } from '@/components/portal/bookings/booking-visit-card';
import { CancelForm } from '@/components/portal/bookings/cancel-form';
import { textLink } from '@/components/portal/bookings/styles';
import { VisitSummary } from '@/components/portal/bookings/visit-summary';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getBookingVisit } from '@/lib/scheduling/patient-bookings';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { cancelVisitAction } from '../../actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(bookings);
  return { title: t('cancelTitle') };
}

/** Cancelling a visit of the patient in the session, with the reason the clinic requires. */
export default async function CancelVisitPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('bookings');
  const { t, fmt } = await getPortalI18n(bookings);
  const { id } = await params;
  const visit = await getBookingVisit(getDb(), portal, id);
  if (!visit) notFound();
  const keep = <Link href="/portal/bookings" className={`px-2 py-2 text-center ${textLink}`}>{t('keepVisit')}</Link>;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('cancelTitle')}</h1>
      <VisitSummary visit={visit} patientZone={portal.account.timeZone} t={t} fmt={fmt} timeLabel={t('time')} />
      {visit.changeable ? (
        <CancelForm
          action={cancelVisitAction} appointmentId={visit.id}
          text={{
            reasonLabel: t('reasonLabel'), reasonHint: t('reasonHint'), confirmCancel: t('confirmCancel'), cancelling: t('cancelling'),
            reasonRequired: t('reasonRequired'), reasonTooLong: t('reasonTooLong'),
          }}
        >
          {keep}
        </CancelForm>
      ) : (
        <>
          <ChangeWindowClosed visit={visit} t={t} />
          {keep}
        </>
      )}
    </div>
  );
}
