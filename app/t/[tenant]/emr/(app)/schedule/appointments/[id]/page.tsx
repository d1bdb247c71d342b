import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { CancelAppointmentForm, OutcomeForms } from '@/components/emr/schedule/appointment-actions';
import { formatDay, formatWhen, slotOptions, STATUS_LABEL, visitStatusText, zoneAbbreviation, type SlotOption } from '@/lib/scheduling/schedule-format';
import { SlotPickerForm } from '@/components/emr/schedule/slot-picker-form';
import { SlotQueryForm } from '@/components/emr/schedule/slot-query-form';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { now } from '@/lib/clock';
import { freeSlotsForDay, getScheduleAppointment, loadBookingChoices } from '@/lib/scheduling/schedule-view';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { cancelAction, markCompletedAction, markNoShowAction, rescheduleAction } from '../../actions';

export const metadata: Metadata = { title: 'Manage visit' };

const query = z.object({
  location: z.uuid().optional().catch(undefined),
  provider: z.union([z.literal('any'), z.uuid()]).optional().catch(undefined),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(new Date(`${d}T12:00:00Z`).getTime())).optional().catch(undefined),
});

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ManageAppointmentPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const { id } = await params;
  const raw = await searchParams;
  const q = query.parse({ location: first(raw.location), provider: first(raw.provider), day: first(raw.day) });
  const db = getDb();
  const a = await getScheduleAppointment(db, ctx, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const zone = a.location.timeZone;
  const backHref = `/emr/schedule?${new URLSearchParams({ view: 'day', by: 'location', location: a.location.id, date: a.date })}`;

  let reschedule: { choices: Awaited<ReturnType<typeof loadBookingChoices>>; provider: string; day: string; slots: SlotOption[]; zone: string } | null = null;
  if (a.status === 'booked') {
    const choices = await loadBookingChoices(db, ctx, { locationId: q.location ?? a.location.id, serviceId: a.service.id });
    const location = choices.location ?? choices.locations.find((l) => l.id === a.location.id) ?? null;
    const wanted = q.provider ?? a.provider.id;
    const provider = choices.providers.some((p) => p.id === wanted) ? wanted : 'any';
    const today = zonedDate(now(), location?.timeZone ?? zone);
    const day = q.day ?? (a.date < today ? today : a.date);
    let slots: SlotOption[] = [];
    if (location && choices.service) {
      const free = await freeSlotsForDay(db, ctx, { serviceId: a.service.id, locationId: location.id, providerId: provider, day }).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      });
      // The visit being moved still holds its own time; it is not offered as "free".
      slots = free ? slotOptions(free, provider) : [];
    }
    reschedule = { choices: { ...choices, location }, provider, day, slots, zone: location?.timeZone ?? zone };
  }

  return (
    <div className="space-y-4">
      <p><Link href={backHref} className="link">Back to the schedule</Link></p>
      <section aria-labelledby="visit-heading" className="rounded-xl border border-line bg-surface p-5">
        <h1 id="visit-heading" className="text-2xl font-semibold">Visit: {a.patient.name}</h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">When</dt><dd>{formatWhen(a.startsAt, zone)} ({zone.replace(/_/g, ' ')})</dd>
          <dt className="font-medium">Patient</dt>
          <dd><Link href={`/emr/patients/${a.patient.id}`} className="text-brand-accent underline underline-offset-2">{a.patient.name}</Link> ({a.patient.recordNumber})</dd>
          <dt className="font-medium">Service</dt><dd>{a.service.name}</dd>
          <dt className="font-medium">Provider</dt><dd>{a.provider.name}</dd>
          <dt className="font-medium">Location</dt><dd>{a.location.name}</dd>
          <dt className="font-medium">Status</dt>
          <dd>{visitStatusText(a)}{a.status === 'booked' && a.confirmedAt ? ` by the patient on ${formatWhen(a.confirmedAt, zone)}` : ''}</dd>
          {a.moved ? (
            <>
              <dt className="font-medium">Moved to</dt>
              <dd>{a.movedTo ? <Link href={`/emr/schedule/appointments/${a.movedTo.id}`} className="text-brand-accent underline underline-offset-2">the new visit</Link> : 'another time (made before moves were linked)'}</dd>
            </>
          ) : a.cancelReason ? <><dt className="font-medium">Reason</dt><dd>{a.cancelReason}</dd></> : null}
        </dl>
      </section>

      {reschedule ? (
        <>
          <section aria-labelledby="reschedule-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
            <h2 id="reschedule-heading" className="text-lg font-semibold">Reschedule</h2>
            <p className="text-sm text-fg-muted">The visit moves only if the new time is still free; otherwise it stays where it is.</p>
            <SlotQueryForm
              action={`/emr/schedule/appointments/${a.id}`}
              hidden={{}}
              locations={reschedule.choices.locations}
              providers={reschedule.choices.providers}
              values={{ location: reschedule.choices.location?.id ?? a.location.id, provider: reschedule.provider, day: reschedule.day }}
            />
            <SlotPickerForm
              action={rescheduleAction}
              hidden={{
                appointmentId: a.id, serviceId: a.service.id, locationId: reschedule.choices.location?.id ?? a.location.id,
                providerChoice: reschedule.provider, day: reschedule.day,
              }}
              slots={reschedule.slots}
              legend={`Free times on ${formatDay(reschedule.day)} (${zoneAbbreviation(new Date(`${reschedule.day}T12:00:00Z`), reschedule.zone)}, ${reschedule.zone.replace(/_/g, ' ')})`}
              submitLabel="Move visit to this time"
            />
          </section>
          <section aria-labelledby="outcome-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
            <h2 id="outcome-heading" className="text-lg font-semibold">Outcome</h2>
            <p className="text-sm text-fg-muted">Possible once the visit’s start time has passed.</p>
            <OutcomeForms appointmentId={a.id} actions={{ completed: markCompletedAction, noShow: markNoShowAction }} />
          </section>
          <section aria-labelledby="cancel-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
            <h2 id="cancel-heading" className="text-lg font-semibold">Cancel</h2>
            <CancelAppointmentForm appointmentId={a.id} action={cancelAction} />
          </section>
        </>
      ) : (
        <p className="rounded-lg border border-line bg-surface-muted p-4 text-sm">
          This visit is {STATUS_LABEL[a.status].toLowerCase()}, so it can no longer be moved, cancelled or marked.
        </p>
      )}
    </div>
  );
}
