import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ChangeWindowClosed } from '@/components/portal/bookings/booking-visit-card';
import { BookingSummary } from '@/components/portal/bookings/booking-summary';
import { ChoiceStep } from '@/components/portal/bookings/choice-step';
import { ConfirmForm } from '@/components/portal/bookings/confirm-form';
import { secondaryLink, textLink } from '@/components/portal/bookings/styles';
import { VisitSummary } from '@/components/portal/bookings/visit-summary';
import { VisitWhen } from '@/components/portal/bookings/visit-when';
import { TimePicker } from '@/components/portal/bookings/time-picker';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';
import { findSlotInDay, loadBookingMonth, resolveBookingChoice, type BookingMonth } from '@/lib/scheduling/online-booking';
import { getBookingVisit } from '@/lib/scheduling/patient-bookings';
import { displayZone } from '@/lib/scheduling/visit-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { rescheduleVisitAction } from '../../actions';
import { bookingParamsSchema, bookingQuery, type SearchParams } from '../../params';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(bookings);
  return { title: t('rescheduleTitle') };
}

const NOTICE_KEY = { taken: 'slotTaken', 'not-found': 'notFound', 'not-offered': 'notOffered' } as const;
const stepSchema = z.object({ step: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.literal('provider').optional().catch(undefined)) });

/**
 * A new time for a visit of the patient in the session: same service and location, the same
 * provider unless the patient picks another or any. The old time is kept until the new one is
 * booked (lib/scheduling/booking.ts rescheduleAppointment).
 */
export default async function RescheduleVisitPage({ params, searchParams }: {
  params: Promise<{ tenant: string; id: string }>;
  searchParams: SearchParams;
}) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('bookings');
  const { t, fmt } = await getPortalI18n(bookings);
  const db = getDb();
  const { id } = await params;
  const raw = await searchParams;
  const query = bookingParamsSchema.parse(raw);
  const { step } = stepSchema.parse(raw);
  const visit = await getBookingVisit(db, portal, id);
  if (!visit) notFound();
  const path = `/portal/bookings/${visit.id}/reschedule`;
  const patientZone = portal.account.timeZone;
  const header = (
    <>
      <div>
        <h1 className="text-2xl font-semibold">{t('rescheduleTitle')}</h1>
        <p className="mt-1 text-fg-muted">{t('rescheduleNote')}</p>
      </div>
      <VisitSummary visit={visit} patientZone={patientZone} t={t} fmt={fmt} timeLabel={t('currentTime')} />
    </>
  );
  const back = <Link href="/portal/bookings" className={`px-2 py-2 text-center ${textLink}`}>{t('backToBookings')}</Link>;
  if (!visit.changeable) {
    return <div className="space-y-6">{header}<ChangeWindowClosed visit={visit} t={t} />{back}</div>;
  }

  const choice = await resolveBookingChoice(db, portal, {
    location: visit.locationId, service: visit.serviceId, provider: query.provider ?? visit.providerId,
  });
  // The visit's own provider no longer offering it online: fall back to anyone who does.
  const provider = choice.provider ?? (choice.service ? 'any' : null);
  const providerId = provider === 'any' ? 'any' : provider?.id;
  let month: BookingMonth | null = null;
  if (choice.location?.id === visit.locationId && choice.service && providerId) {
    try {
      month = await loadBookingMonth(db, portal, {
        serviceId: visit.serviceId, locationId: visit.locationId, providerId, month: query.month, day: query.day ?? query.week, slot: query.slot,
      });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  if (!month || !providerId) {
    return <div className="space-y-6">{header}<FormMessage message={t('notFound')} /><ChangeWindowClosed visit={visit} t={t} withRule={false} />{back}</div>;
  }
  const slot = findSlotInDay(month, query.slot);
  const noticeKey = query.slot && !slot ? 'slotTaken' : query.notice ? NOTICE_KEY[query.notice] : null;
  const zone = displayZone(patientZone, visit.timeZone);
  const providerRow = {
    label: t('provider'),
    value: provider !== 'any' ? provider!.name : slot?.providers[0] ? t('anyProviderChosen', { name: slot.providers[0].name }) : t('anyProvider'),
    changeHref: `${path}${bookingQuery({ provider: providerId, step: 'provider' })}`, changeLabel: t('changeLabel', { what: t('provider').toLowerCase() }),
  };

  return (
    <div className="space-y-6">
      {header}
      {noticeKey ? <FormMessage message={t(noticeKey)} /> : null}
      {step === 'provider' ? (
        <ChoiceStep
          legend={t('stepProvider')} name="provider" action={path} hidden={{}} submitLabel={t('continue')} selected={providerId}
          options={[{ value: 'any', label: t('anyProvider'), hint: t('anyProviderHint') }, ...choice.providers.map((p) => ({ value: p.id, label: p.name }))]}
        />
      ) : !slot ? (
        <>
          <BookingSummary heading={t('yourChoices')} rows={[providerRow]} changeText={t('change')} />
          <TimePicker
            month={month} zone={zone} part={query.part} path={path} here={{ provider: providerId }} providerId={providerId}
            href={(values, hash = '') => `${path}${bookingQuery({ provider: providerId, ...values })}${hash}`}
            waitlistHref={null} t={t} fmt={fmt}
          />
        </>
      ) : (
        <>
          <BookingSummary
            heading={t('stepConfirm')} changeText={t('change')}
            rows={[providerRow, {
              label: t('newTime'), value: <VisitWhen startsAt={slot.startsAt} locationZone={visit.timeZone} patientZone={patientZone} t={t} fmt={fmt} />,
              changeHref: `${path}${bookingQuery({ provider: providerId, day: month.day })}`, changeLabel: t('changeLabel', { what: t('newTime').toLowerCase() }),
            }]}
          />
          <ConfirmForm
            action={rescheduleVisitAction} label={t('confirmReschedule')} pendingLabel={t('rescheduling')}
            // `week` is the day to show again if the time is lost meanwhile (the action sends it back).
            hidden={{ appointment: visit.id, provider: providerId, week: month.day, slot: slot.startsAt.toISOString() }}
          >
            <Link href={`${path}${bookingQuery({ provider: providerId, day: month.day })}`} className={`px-2 py-2 text-center ${textLink}`}>{t('chooseAnotherTime')}</Link>
          </ConfirmForm>
        </>
      )}
      <Link href="/portal/bookings" className={secondaryLink}>{t('backToBookings')}</Link>
    </div>
  );
}
