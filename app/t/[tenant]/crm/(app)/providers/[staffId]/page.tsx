import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { ProviderHoursForm, ProviderRemoveButton, ProviderServicesForm, TimeOffForm } from '@/components/crm/provider-forms';
import { NotFoundError } from '@/lib/access/context';
import { Page } from '@/components/ui/page';
import { CardSection, FormSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { defaultTimeZone, listLocations } from '@/lib/locations/locations';
import { listProviderHours, listUpcomingTimeOff } from '@/lib/providers/provider-schedule';
import { getProviderCandidate, listProviderServiceIds } from '@/lib/providers/providers';
import { WEEKDAYS } from '@/lib/providers/schemas';
import { formatVisitTime } from '@/lib/scheduling/patient-appointments';
import { listServices } from '@/lib/services/services';
import { addHoursAction, addTimeOffAction, removeHoursAction, removeTimeOffAction, saveProviderServicesAction } from '../actions';

export const metadata: Metadata = { title: 'Provider' };

export default async function ProviderPage({ params }: { params: Promise<{ staffId: string }> }) {
  const ctx = await requireStaff('crm', 'settings.manage');
  const { staffId } = await params;
  const db = getDb();
  let provider;
  try {
    provider = await getProviderCandidate(db, ctx, staffId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  if (!provider.isProvider) notFound();
  const [services, offered, hours, timeOff, locations, zone] = await Promise.all([
    listServices(db, ctx), listProviderServiceIds(db, ctx, provider.id), listProviderHours(db, ctx, provider.id),
    listUpcomingTimeOff(db, ctx, provider.id), listLocations(db, ctx), defaultTimeZone(db, ctx),
  ]);
  const activeLocations = locations.filter((l) => l.active).map((l) => ({ value: l.id, label: `${l.name} (${l.timeZone.replaceAll('_', ' ')})` }));
  // Time off is shown in the zone of the provider's first weekly hours, else the clinic's usual zone.
  const displayZone = hours[0]?.timeZone ?? zone;
  return (
    <Page title={provider.fullName} above={<p className="text-sm"><Link href="/crm/providers" className="underline underline-offset-2">Providers</Link></p>} description="Services, weekly hours and time off. Hours are local times at each location.">
      <FormSection id="services-heading" title="Services offered">
        <ProviderServicesForm action={saveProviderServicesAction} staffId={provider.id} services={services} offered={offered} />
      </FormSection>

      <CardSection id="hours-heading" title="Weekly hours">
        <ul className="mt-3 divide-y divide-line">
          {hours.map((h) => (
            <li key={h.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>{WEEKDAYS[h.weekday]} {h.startTime}–{h.endTime} · {h.locationName}</span>
              <ProviderRemoveButton action={removeHoursAction} kind="hours" id={h.id} label={`Remove ${WEEKDAYS[h.weekday]} ${h.startTime}–${h.endTime} at ${h.locationName}`} />
            </li>
          ))}
          {hours.length === 0 ? <li className="py-2 text-fg-muted">No weekly hours yet: patients cannot book this provider.</li> : null}
        </ul>
        <h3 className="mt-4 font-medium">Add hours</h3>
        <ProviderHoursForm action={addHoursAction} staffId={provider.id} locations={activeLocations} />
      </CardSection>

      <CardSection id="time-off-heading" title="Upcoming time off">
        <ul className="mt-3 divide-y divide-line">
          {timeOff.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                {formatVisitTime(t.startsAt, displayZone)} – {formatVisitTime(t.endsAt, displayZone)}
                {t.reason ? <span className="text-fg-muted"> · {t.reason}</span> : null}
              </span>
              <ProviderRemoveButton action={removeTimeOffAction} kind="time-off" id={t.id} label={`Remove time off from ${formatVisitTime(t.startsAt, displayZone)}`} />
            </li>
          ))}
          {timeOff.length === 0 ? <li className="py-2 text-fg-muted">No upcoming time off.</li> : null}
        </ul>
        <h3 className="mt-4 font-medium">Add time off</h3>
        <TimeOffForm action={addTimeOffAction} staffId={provider.id} locations={activeLocations} />
      </CardSection>
    </Page>
  );
}
