import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { BookingSummary, type SummaryRow } from '@/components/portal/bookings/booking-summary';
import { ChoiceStep } from '@/components/portal/bookings/choice-step';
import { textLink } from '@/components/portal/bookings/styles';
import { WaitlistJoinForm } from '@/components/portal/bookings/waitlist-join-form';
import { WaitlistSection, weekdayNames } from '@/components/portal/bookings/waitlist-section';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { bookings } from '@/lib/i18n/messages/bookings';
import { waitlist } from '@/lib/i18n/messages/waitlist';
import { getPortalI18n } from '@/lib/i18n/portal';
import { resolveBookingChoice } from '@/lib/scheduling/online-booking';
import { listPatientWaitlist, loadWaitlistSettings, untilRange } from '@/lib/waitlist/entries';
import { TIME_OF_DAY_CHOICES } from '@/lib/waitlist/forms';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { bookingQuery, type SearchParams } from '../params';
import { joinWaitlistAction, leaveWaitlistAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(waitlist);
  return { title: t('title') };
}

const PATH = '/portal/bookings/waitlist';
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(first, schema.optional().catch(undefined));

/** What the booking flow chose (checked against the clinic below), and the notice after a change. */
const paramsSchema = z.object({
  location: optional(z.uuid()),
  service: optional(z.uuid()),
  provider: optional(z.union([z.literal('any'), z.uuid()])),
  done: optional(z.enum(['joined', 'left'])),
});

/**
 * Join the waitlist when no time suits: the booking flow links here with its location, service
 * and provider; whatever it did not (validly) choose is asked first, one step at a time as in the
 * booking flow. Then the days, the part of the day and the last day that suit; below, the
 * patient's entries with "Leave the waitlist".
 */
export default async function WaitlistPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: SearchParams }) {
  await getPageTenant(params);
  const portal = await requirePortalPatient('bookings');
  const [{ t, fmt, locale }, { t: tb }] = await Promise.all([getPortalI18n(waitlist), getPortalI18n(bookings)]);
  const query = paramsSchema.parse(await searchParams);
  const db = getDb();
  const [settings, entries] = await Promise.all([loadWaitlistSettings(db, portal.tenant.id), listPatientWaitlist(db, portal)]);
  const choice = settings.portalJoining ? await resolveBookingChoice(db, portal, query) : null;
  const location = choice?.location ?? null;
  const service = choice?.service ?? null;
  const provider = choice?.provider ?? null;

  const rows: SummaryRow[] = [];
  if (choice && location) {
    rows.push({
      label: tb('location'), value: location.name,
      ...(choice.locations.length > 1 ? { changeHref: PATH, changeLabel: tb('changeLabel', { what: tb('location').toLowerCase() }) } : {}),
    });
  }
  if (service) {
    rows.push({
      label: tb('service'), value: `${service.name} · ${tb('minutes', { minutes: service.durationMinutes })}`,
      changeHref: `${PATH}${bookingQuery({ location: location?.id })}`, changeLabel: tb('changeLabel', { what: tb('service').toLowerCase() }),
    });
  }
  if (provider) {
    rows.push({
      label: tb('provider'), value: provider === 'any' ? tb('anyProvider') : provider.name,
      changeHref: `${PATH}${bookingQuery({ location: location?.id, service: service?.id })}`, changeLabel: tb('changeLabel', { what: tb('provider').toLowerCase() }),
    });
  }

  const { patient } = portal;
  const name = `${patient.firstName} ${patient.lastName}`;
  const zone = location?.timeZone ?? 'UTC';
  let step: React.ReactNode = null;
  if (query.done) {
    // Just joined or left: the notice and the list below say it all.
  } else if (!choice) {
    step = <FormMessage tone="info" message={t('portalOff')} />;
  } else if (choice.locations.length === 0) {
    step = <FormMessage tone="info" message={tb('noLocations')} />;
  } else if (!location) {
    step = (
      <ChoiceStep
        legend={tb('stepLocation')} name="location" action={PATH} hidden={{}} submitLabel={tb('continue')}
        options={choice.locations.map((l) => ({ value: l.id, label: l.name, hint: `${l.addressLine1}, ${l.city}` }))}
      />
    );
  } else if (!service) {
    step = choice.services.length === 0 ? <FormMessage tone="info" message={tb('noServices')} /> : (
      <ChoiceStep
        legend={tb('stepService')} name="service" action={PATH} hidden={{ location: location.id }} submitLabel={tb('continue')}
        options={choice.services.map((s) => ({ value: s.id, label: s.name, hint: [tb('minutes', { minutes: s.durationMinutes }), s.description].filter(Boolean).join(' · ') }))}
      />
    );
  } else if (!provider) {
    step = choice.providers.length === 0 ? <FormMessage tone="info" message={tb('noProviders')} /> : (
      <ChoiceStep
        legend={tb('stepProvider')} name="provider" action={PATH} hidden={{ location: location.id, service: service.id }} submitLabel={tb('continue')}
        options={[{ value: 'any', label: tb('anyProvider'), hint: tb('anyProviderHint') }, ...choice.providers.map((p) => ({ value: p.id, label: p.name }))]}
      />
    );
  } else {
    const until = untilRange(now(), zone, settings.bookingHorizonDays);
    step = (
      <WaitlistJoinForm
        action={joinWaitlistAction}
        hidden={{ location: location.id, service: service.id, provider: provider === 'any' ? 'any' : provider.id }}
        weekdays={weekdayNames(locale)}
        times={TIME_OF_DAY_CHOICES.map((value) => ({ value, label: t(`time_${value}`) }))}
        until={until}
        text={{
          formHeading: t('formHeading'), daysLegend: t('daysLegend'), daysHint: t('daysHint'), timeLegend: t('timeLegend'),
          timeHint: t('timeHint', { location: location.name, zone: fmt.zoneName(now(), zone) }),
          untilLabel: t('untilLabel'), untilHint: t('untilHint', { last: fmt.calendarDate(until.last) }),
          joinButton: t('joinButton'), joining: t('joining'),
          errors: { choiceGone: t('choiceGone'), untilInvalid: t('untilInvalid') },
        }}
      />
    );
  }

  return (
    <div className="space-y-6">
      <p><Link href="/portal/bookings" className={textLink}>{t('backToBookings')}</Link></p>
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{patient.relationship === 'self' ? t('introSelf') : t('introOther', { name })}</p>
      </div>
      {query.done ? <FormMessage tone="info" message={t(query.done === 'joined' ? 'joinedNotice' : 'leftNotice')} /> : null}
      {choice ? <BookingSummary heading={tb('yourChoices')} rows={rows} changeText={tb('change')} /> : null}
      {step}
      <WaitlistSection entries={entries} t={t} fmt={fmt} leaveAction={leaveWaitlistAction} />
    </div>
  );
}
