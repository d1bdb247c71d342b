'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { StaffContext } from '@/lib/access/context';
import { staffAction, staffCall } from '@/lib/actions/wrappers';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { bookAppointment, cancelAppointment, markCompleted, markNoShow, rescheduleAppointment } from '@/lib/scheduling/booking';
import { MOVE_NOT_UNDERSTOOD, moveSchema, moveTimesSchema, type MoveTimesState } from '@/lib/scheduling/calendar-forms';
import { formatWhen, parseSlotValue } from '@/lib/scheduling/schedule-format';
import type { ScheduleFormState } from '@/lib/scheduling/schedule-form-state';
import { freshSlotChoices, getScheduleAppointment, moveChoices } from '@/lib/scheduling/schedule-view';
import {
  APPOINTMENT_GONE, appointmentSchema, bookSchema, BOOKING_NOT_UNDERSTOOD, cancelSchema, CHANGE_NOT_UNDERSTOOD, rescheduleSchema,
} from '@/lib/scheduling/staff-schedule-forms';
import { ScheduleFieldError, ScheduleRefusedError, type Refusal } from '@/lib/scheduling/staff-refusals';

const schedule = {
  area: 'emr',
  permission: 'schedule.manage',
  messages: {
    notFound: 'This appointment, patient, service or provider no longer exists. Reload the page.',
    forbidden: 'You don’t have permission to change the schedule.',
  },
} as const;

/** Where a change lands: the day of the visit at its location, with a notice. */
async function scheduleHref(ctx: StaffContext, appointmentId: string, notice: string): Promise<string> {
  const a = await getScheduleAppointment(getDb(), ctx, appointmentId);
  const params = new URLSearchParams({ view: 'day', by: 'location', location: a.location.id, date: a.date, notice });
  return `/emr/schedule?${params}`;
}

function changed(): void {
  revalidatePath('/emr/schedule');
  dispatchSoon();
}

/** After 'slot-taken' the form gets the day's fresh choices, so it never offers the lost time again. */
async function refused(ctx: StaffContext, refusal: Refusal, day: Parameters<typeof freshSlotChoices>[2]): Promise<never> {
  throw new ScheduleRefusedError(refusal, refusal.error === 'slot-taken' ? { slots: await freshSlotChoices(getDb(), ctx, day) } : undefined);
}

export const bookAction = staffAction(
  { ...schedule, schema: bookSchema, messages: { ...schedule.messages, invalid: BOOKING_NOT_UNDERSTOOD } },
  async (ctx, input): Promise<ScheduleFormState> => {
    const slot = parseSlotValue(input.slot);
    if (!slot) throw new ScheduleFieldError('slot', 'Pick a time.');
    const { patientId, locationId, serviceId } = input;
    const result = await bookAppointment(getDb(), ctx, { patientId, locationId, serviceId, providerId: slot.providerId, startsAt: slot.startsAt });
    if (!result.ok) return refused(ctx, result, input);
    changed();
    redirect(await scheduleHref(ctx, result.appointment.id, 'booked'));
  },
);

export const rescheduleAction = staffAction(
  { ...schedule, schema: rescheduleSchema, messages: { ...schedule.messages, invalid: CHANGE_NOT_UNDERSTOOD } },
  async (ctx, input): Promise<ScheduleFormState> => {
    const slot = parseSlotValue(input.slot);
    if (!slot) throw new ScheduleFieldError('slot', 'Pick a new time.');
    const result = await rescheduleAppointment(getDb(), ctx, input.appointmentId, { locationId: input.locationId, providerId: slot.providerId, startsAt: slot.startsAt });
    if (!result.ok) return refused(ctx, result, input);
    changed();
    redirect(await scheduleHref(ctx, result.appointment.id, 'rescheduled'));
  },
);

export const cancelAction = staffAction(
  { ...schedule, schema: cancelSchema, messages: { ...schedule.messages, invalid: APPOINTMENT_GONE } },
  async (ctx, { appointmentId, reason: posted }): Promise<ScheduleFormState> => {
    const reason = typeof posted === 'string' ? posted.trim() : '';
    if (!reason) throw new ScheduleRefusedError({ ok: false, error: 'reason-required' });
    if (reason.length > 500) throw new ScheduleFieldError('reason', 'Keep the reason under 500 characters.');
    const result = await cancelAppointment(getDb(), ctx, appointmentId, reason);
    if (!result.ok) throw new ScheduleRefusedError(result);
    changed();
    redirect(await scheduleHref(ctx, appointmentId, 'cancelled'));
  },
);

async function markOutcome(ctx: StaffContext, appointmentId: string, outcome: 'completed' | 'no_show'): Promise<ScheduleFormState> {
  const result = await (outcome === 'completed' ? markCompleted : markNoShow)(getDb(), ctx, appointmentId);
  if (!result.ok) throw new ScheduleRefusedError(result);
  changed();
  redirect(await scheduleHref(ctx, appointmentId, outcome));
}

const outcome = { ...schedule, schema: appointmentSchema, messages: { ...schedule.messages, invalid: APPOINTMENT_GONE } };

export const markCompletedAction = staffAction(outcome, (ctx, { appointmentId }) => markOutcome(ctx, appointmentId, 'completed'));

export const markNoShowAction = staffAction(outcome, (ctx, { appointmentId }) => markOutcome(ctx, appointmentId, 'no_show'));

/**
 * The calendar's move (a drag, or the Move dialog): the same rescheduleAppointment as the visit
 * page, so the same rules and the same EXCLUDE constraint. It answers in place rather than
 * redirecting: a refusal is shown on the grid and the visit snaps back.
 */
export const moveAppointmentAction = staffAction(
  { ...schedule, schema: moveSchema, messages: { ...schedule.messages, invalid: MOVE_NOT_UNDERSTOOD } },
  async (ctx, input): Promise<ScheduleFormState> => {
    const db = getDb();
    const current = await getScheduleAppointment(db, ctx, input.appointmentId);
    const result = await rescheduleAppointment(db, ctx, input.appointmentId, {
      locationId: input.locationId || current.location.id, providerId: input.providerId, startsAt: new Date(input.startsAt),
    });
    if (!result.ok) throw new ScheduleRefusedError(result);
    changed();
    const moved = await getScheduleAppointment(db, ctx, result.appointment.id);
    return { ok: true, message: `Visit moved to ${formatWhen(moved.startsAt, moved.location.timeZone)} with ${moved.provider.name}. The patient is notified of the new time.` };
  },
);

/** The Move dialog's choices when it opens and when the provider or the day changes. */
export const moveTimesCall = staffCall(
  { ...schedule, schema: moveTimesSchema, messages: { ...schedule.messages, invalid: MOVE_NOT_UNDERSTOOD } },
  async (ctx, input): Promise<MoveTimesState> => ({
    ok: true, ...(await moveChoices(getDb(), ctx, { appointmentId: input.appointmentId, providerId: input.providerId || undefined, day: input.day })),
  }),
);
