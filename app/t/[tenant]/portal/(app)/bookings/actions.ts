'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import type { PortalContext } from '@/lib/access/context';
import { bookPortalVisit, cancelPortalVisit, reschedulePortalVisit } from '@/lib/scheduling/patient-bookings';
import { bookingQuery, providerParam, slotParam, weekParam } from './params';

export interface BookingFormState {
  ok: boolean;
  message?: string;
  fieldErrors?: { reason?: string };
}

/** The patient acted for comes from the session only; nothing in the form names a patient. */
async function sessionActor(): Promise<PortalContext> {
  return requirePortalPatient();
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
};

/** Every way a time can stop being bookable between showing it and confirming it. */
const LOST_SLOT = new Set(['slot-taken', 'too-soon', 'beyond-horizon', 'outside-hours', 'time-off']);

const bookSchema = z.object({
  location: z.uuid(),
  service: z.uuid(),
  provider: providerParam,
  slot: slotParam,
  week: weekParam.optional().catch(undefined),
});

export async function bookVisitAction(_prev: BookingFormState, form: FormData): Promise<BookingFormState> {
  const actor = await sessionActor();
  const { t } = await getPortalI18n(bookings);
  const parsed = bookSchema.safeParse({
    location: text(form, 'location'), service: text(form, 'service'), provider: text(form, 'provider'), slot: text(form, 'slot'), week: text(form, 'week'),
  });
  if (!parsed.success) return { ok: false, message: t('notFound') };
  const { location, service, provider, slot, week } = parsed.data;
  const result = await bookPortalVisit(getDb(), actor, { serviceId: service, locationId: location, providerId: provider, startsAt: new Date(slot) });
  if (result.ok) {
    dispatchSoon();
    redirect('/portal/bookings?done=booked');
  }
  // A lost race is not an error: the same week again, fresh, with a sentence saying why.
  if (LOST_SLOT.has(result.error)) redirect(`/portal/bookings/new${bookingQuery({ location, service, provider, week, notice: 'taken' })}`);
  if (result.error === 'not-offered') redirect(`/portal/bookings/new${bookingQuery({ location, service, notice: 'not-offered' })}`);
  redirect(`/portal/bookings/new${bookingQuery({ notice: 'not-found' })}`);
}

const rescheduleSchema = z.object({
  appointment: z.uuid(),
  provider: providerParam,
  slot: slotParam,
  week: weekParam.optional().catch(undefined),
});

export async function rescheduleVisitAction(_prev: BookingFormState, form: FormData): Promise<BookingFormState> {
  const actor = await sessionActor();
  const { t } = await getPortalI18n(bookings);
  const parsed = rescheduleSchema.safeParse({
    appointment: text(form, 'appointment'), provider: text(form, 'provider'), slot: text(form, 'slot'), week: text(form, 'week'),
  });
  if (!parsed.success) return { ok: false, message: t('visitNotFound') };
  const { appointment, provider, slot, week } = parsed.data;
  const result = await reschedulePortalVisit(getDb(), actor, appointment, { providerId: provider, startsAt: new Date(slot) });
  if (result.ok) {
    dispatchSoon();
    redirect('/portal/bookings?done=rescheduled');
  }
  const base = `/portal/bookings/${appointment}/reschedule`;
  if (LOST_SLOT.has(result.error)) redirect(`${base}${bookingQuery({ provider, week, notice: 'taken' })}`);
  switch (result.error) {
    case 'not-offered': redirect(`${base}${bookingQuery({ notice: 'not-offered' })}`);
    case 'outside-window': return { ok: false, message: t('outsideWindow', { hours: result.hoursBefore }) };
    case 'not-active': return { ok: false, message: t('notActive') };
    case 'not-found': return { ok: false, message: t('visitNotFound') };
    default: return { ok: false, message: t('failed') };
  }
}

const cancelSchema = z.object({
  appointment: z.uuid(),
  reason: z.string().trim().max(500),
});

export async function cancelVisitAction(_prev: BookingFormState, form: FormData): Promise<BookingFormState> {
  const actor = await sessionActor();
  const { t } = await getPortalI18n(bookings);
  const parsed = cancelSchema.safeParse({ appointment: text(form, 'appointment'), reason: text(form, 'reason') ?? '' });
  if (!parsed.success) {
    const tooLong = parsed.error.issues.some((i) => i.path[0] === 'reason');
    return tooLong ? { ok: false, fieldErrors: { reason: t('reasonTooLong') } } : { ok: false, message: t('visitNotFound') };
  }
  if (!parsed.data.reason) return { ok: false, fieldErrors: { reason: t('reasonRequired') } };
  const result = await cancelPortalVisit(getDb(), actor, parsed.data.appointment, parsed.data.reason);
  if (result.ok) {
    dispatchSoon();
    redirect('/portal/bookings?done=cancelled');
  }
  switch (result.error) {
    case 'reason-required': return { ok: false, fieldErrors: { reason: t('reasonRequired') } };
    case 'outside-window': return { ok: false, message: t('outsideWindow', { hours: result.hoursBefore }) };
    case 'not-active': return { ok: false, message: t('notActive') };
    case 'not-found': return { ok: false, message: t('visitNotFound') };
    default: return { ok: false, message: t('failed') };
  }
}
