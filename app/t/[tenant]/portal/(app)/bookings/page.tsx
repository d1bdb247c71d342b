import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { BookingVisitCard } from '@/components/portal/bookings/booking-visit-card';
import { primaryLink, textLink } from '@/components/portal/bookings/styles';
import { WaitlistSection } from '@/components/portal/bookings/waitlist-section';
import { EmptyState } from '@/components/portal/empty-state';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { bookings } from '@/lib/i18n/messages/bookings';
import { waitlist } from '@/lib/i18n/messages/waitlist';
import { getPortalI18n } from '@/lib/i18n/portal';
import { listBookingVisits } from '@/lib/scheduling/patient-bookings';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { listPatientWaitlist } from '@/lib/waitlist/entries';
import type { SearchParams } from './params';
import { leaveWaitlistAction } from './waitlist/actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(bookings);
  return { title: t('title') };
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const doneSchema = z.object({ done: z.preprocess(first, z.enum(['booked', 'rescheduled', 'cancelled']).optional().catch(undefined)) });
const NOTICE = { booked: 'bookedNotice', rescheduled: 'rescheduledNotice', cancelled: 'cancelledNotice' } as const;

export default async function PortalBookingsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: SearchParams }) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('bookings');
  const { t, fmt } = await getPortalI18n(bookings);
  const { done } = doneSchema.parse(await searchParams);
  // The patient comes from the session only: nothing on this page reads a patient id from the URL.
  const [visits, waiting, { t: tw }] = await Promise.all([listBookingVisits(getDb(), portal), listPatientWaitlist(getDb(), portal), getPortalI18n(waitlist)]);
  const { patient } = portal;
  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold">{t('title')}</h1>
          <p className="mt-1 text-fg-muted">
            {patient.relationship === 'self' ? t('introSelf') : t('introOther', { name: `${patient.firstName} ${patient.lastName}` })}
          </p>
        </div>
        <Link href="/portal/bookings/new" className={`${primaryLink} w-full sm:w-auto`}>{t('bookVisit')}</Link>
      </div>
      {done ? <FormMessage tone="info" message={t(NOTICE[done])} /> : null}
      <section aria-labelledby="bookings-upcoming-heading" className="space-y-3">
        <div className="flex items-baseline justify-between gap-3">
          <h2 id="bookings-upcoming-heading" className="text-lg font-semibold">{t('upcomingHeading')}</h2>
          <Link href="/portal/history" className={`text-sm ${textLink}`}>{t('pastLink')}</Link>
        </div>
        {visits.length === 0 ? (
          <EmptyState title={t('noUpcoming')} />
        ) : (
          <ul className="space-y-3">
            {visits.map((visit) => (
              <li key={visit.id}>
                <BookingVisitCard visit={visit} patientZone={portal.account.timeZone} t={t} fmt={fmt} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <WaitlistSection entries={waiting} t={tw} fmt={fmt} leaveAction={leaveWaitlistAction} manageHref="/portal/bookings/waitlist" hideWhenEmpty />
    </div>
  );
}
