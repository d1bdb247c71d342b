import type { Metadata } from 'next';
import Link from 'next/link';
import { BookingSummary, type SummaryRow } from '@/components/portal/bookings/booking-summary';
import { ChoiceStep } from '@/components/portal/bookings/choice-step';
import { ConfirmForm } from '@/components/portal/bookings/confirm-form';
import { secondaryLink, textLink } from '@/components/portal/bookings/styles';
import { VisitWhen } from '@/components/portal/bookings/visit-when';
import { TimePicker } from '@/components/portal/bookings/time-picker';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';
import { findSlotInDay, loadBookingMonth, resolveBookingChoice, type BookingMonth } from '@/lib/scheduling/online-booking';
import { displayZone } from '@/lib/scheduling/visit-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { bookVisitAction } from '../actions';
import { bookingParamsSchema, bookingQuery, type SearchParams } from '../params';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(bookings);
  return { title: t('newTitle') };
}

const PATH = '/portal/bookings/new';
const NOTICE_KEY = { taken: 'slotTaken', 'not-found': 'notFound', 'not-offered': 'notOffered' } as const;

/**
 * Book a visit, one step per page: location (when there are several), service, provider or any,
 * a time from a month of free days and a day's times, then a summary to confirm. The step shown
 * is the first choice the URL does not (validly) make.
 */
export default async function NewBookingPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: SearchParams }) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('bookings');
  const { t, fmt } = await getPortalI18n(bookings);
  const query = bookingParamsSchema.parse(await searchParams);
  const db = getDb();
  const choice = await resolveBookingChoice(db, portal, query);
  const { location, service, provider } = choice;
  const providerId = provider === 'any' ? 'any' : provider?.id;

  let month: BookingMonth | null = null;
  if (location && service && providerId) {
    try {
      month = await loadBookingMonth(db, portal, {
        serviceId: service.id, locationId: location.id, providerId, month: query.month, day: query.day ?? query.week, slot: query.slot,
      });
    } catch (error) {
      // Withdrawn between resolving the choice and loading the month: ask again, never an error page.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  const slot = month ? findSlotInDay(month, query.slot) : null;
  // A slot in the URL that is no longer free is the same news as a lost race.
  const noticeKey = query.slot && month && !slot ? 'slotTaken' : query.notice ? NOTICE_KEY[query.notice] : null;
  const zone = displayZone(portal.account.timeZone, location?.timeZone ?? 'UTC');

  const here = { location: location?.id, service: service?.id, provider: providerId };
  const rows: SummaryRow[] = [];
  if (location) {
    rows.push({
      label: t('location'), value: location.notes ? <>{location.name}<span className="mt-0.5 block whitespace-pre-line text-sm font-normal text-fg-muted">{location.notes}</span></> : location.name,
      ...(choice.locations.length > 1 ? { changeHref: PATH, changeLabel: t('changeLabel', { what: t('location').toLowerCase() }) } : {}),
    });
  }
  if (service) {
    rows.push({
      label: t('service'), value: `${service.name} · ${t('minutes', { minutes: service.durationMinutes })}`,
      changeHref: `${PATH}${bookingQuery({ location: location?.id })}`, changeLabel: t('changeLabel', { what: t('service').toLowerCase() }),
    });
  }
  if (provider) {
    rows.push({
      // "Any provider" names whom the patient will see once a time is chosen: the booking takes the
      // first provider free at that time, in this order (lib/scheduling/patient-bookings.ts).
      label: t('provider'),
      value: provider !== 'any' ? provider.name : slot?.providers[0] ? t('anyProviderChosen', { name: slot.providers[0].name }) : t('anyProvider'),
      changeHref: `${PATH}${bookingQuery({ location: location?.id, service: service?.id })}`, changeLabel: t('changeLabel', { what: t('provider').toLowerCase() }),
    });
  }
  if (slot && location) {
    rows.push({
      label: t('time'), value: <VisitWhen startsAt={slot.startsAt} locationZone={location.timeZone} patientZone={portal.account.timeZone} t={t} fmt={fmt} />,
      changeHref: `${PATH}${bookingQuery({ ...here, day: month?.day })}`, changeLabel: t('changeLabel', { what: t('time').toLowerCase() }),
    });
  }

  const { patient } = portal;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{slot ? t('stepConfirm') : t('newTitle')}</h1>
        <p className="mt-1 text-fg-muted">{t('bookingFor', { name: `${patient.firstName} ${patient.lastName}` })}</p>
      </div>
      {noticeKey ? <FormMessage message={t(noticeKey)} /> : null}
      <BookingSummary heading={t('yourChoices')} rows={rows} changeText={t('change')} />
      {choice.locations.length === 0 ? (
        <FormMessage tone="info" message={t('noLocations')} />
      ) : !location ? (
        <ChoiceStep
          legend={t('stepLocation')} name="location" action={PATH} hidden={{}} submitLabel={t('continue')}
          options={choice.locations.map((l) => ({ value: l.id, label: l.name, hint: `${l.addressLine1}, ${l.city}` }))}
        />
      ) : !service ? (
        choice.services.length === 0 ? (
          <FormMessage tone="info" message={t('noServices')} />
        ) : (
          <ChoiceStep
            legend={t('stepService')} name="service" action={PATH} hidden={{ location: location.id }} submitLabel={t('continue')}
            options={choice.services.map((s) => ({ value: s.id, label: s.name, hint: [t('minutes', { minutes: s.durationMinutes }), s.description].filter(Boolean).join(' · ') }))}
          />
        )
      ) : !provider ? (
        choice.providers.length === 0 ? (
          <FormMessage tone="info" message={t('noProviders')} />
        ) : (
          <ChoiceStep
            legend={t('stepProvider')} name="provider" action={PATH} hidden={{ location: location.id, service: service.id }} submitLabel={t('continue')}
            options={[{ value: 'any', label: t('anyProvider'), hint: t('anyProviderHint') }, ...choice.providers.map((p) => ({ value: p.id, label: p.name }))]}
          />
        )
      ) : !month ? (
        <Link href={PATH} className={secondaryLink}>{t('startOver')}</Link>
      ) : !slot ? (
        <TimePicker
          month={month} zone={zone} part={query.part} path={PATH} here={here} providerId={providerId!}
          href={(values, hash = '') => `${PATH}${bookingQuery({ ...here, ...values })}${hash}`}
          waitlistHref={month.waitlistOpen ? `/portal/bookings/waitlist${bookingQuery(here)}` : null}
          t={t} fmt={fmt}
        />
      ) : (
        <ConfirmForm
          action={bookVisitAction} label={t('confirm')} pendingLabel={t('confirming')}
          // `week` is the day to show again if the time is lost meanwhile (the action sends it back).
          hidden={{ ...here, week: month.day, slot: slot.startsAt.toISOString() }}
        >
          <Link href={`${PATH}${bookingQuery({ ...here, day: month.day })}`} className={`px-2 py-2 text-center ${textLink}`}>{t('chooseAnotherTime')}</Link>
        </ConfirmForm>
      )}
    </div>
  );
}
