'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { bookings } from '@/lib/i18n/messages/bookings';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { bookVisitSchema, cancelVisitSchema, rescheduleVisitSchema } from '@/lib/scheduling/booking-forms';
import { bookPortalVisit, cancelPortalVisit, reschedulePortalVisit } from '@/lib/scheduling/patient-bookings';
import { bookingQuery } from './params';

/** Every way a time can stop being bookable between showing it and confirming it. */
const LOST_SLOT = new Set(['slot-taken', 'too-soon', 'beyond-horizon', 'outside-hours', 'time-off']);

// The patient acted for comes from the session only; nothing in these forms names a patient.

export const bookVisitAction = portalAction(
  { area: 'bookings', catalog: bookings, schema: bookVisitSchema, messages: { invalid: 'notFound', notFound: 'notFound', busy: 'failed' } },
  async (ctx, input): Promise<ActionState> => {
    const { location, service, provider, slot, week } = input;
    const result = await bookPortalVisit(getDb(), ctx, { serviceId: service, locationId: location, providerId: provider, startsAt: new Date(slot) });
    if (result.ok) {
      dispatchSoon();
      redirect('/portal/bookings?done=booked');
    }
    // A lost race is not an error: the same week again, fresh, with a sentence saying why.
    if (LOST_SLOT.has(result.error)) redirect(`/portal/bookings/new${bookingQuery({ location, service, provider, week, notice: 'taken' })}`);
    if (result.error === 'not-offered') redirect(`/portal/bookings/new${bookingQuery({ location, service, notice: 'not-offered' })}`);
    redirect(`/portal/bookings/new${bookingQuery({ notice: 'not-found' })}`);
  },
);

export const rescheduleVisitAction = portalAction(
  { area: 'bookings', catalog: bookings, schema: rescheduleVisitSchema, messages: { invalid: 'visitNotFound', notFound: 'visitNotFound', busy: 'failed' } },
  async (ctx, input, { t }): Promise<ActionState> => {
    const { appointment, provider, slot, week } = input;
    const result = await reschedulePortalVisit(getDb(), ctx, appointment, { providerId: provider, startsAt: new Date(slot) });
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
  },
);

export const cancelVisitAction = portalAction(
  { area: 'bookings', catalog: bookings, schema: cancelVisitSchema, messages: { invalid: 'visitNotFound', notFound: 'visitNotFound', busy: 'failed' } },
  async (ctx, input, { t }): Promise<ActionState> => {
    const result = await cancelPortalVisit(getDb(), ctx, input.appointment, input.reason);
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
  },
);
