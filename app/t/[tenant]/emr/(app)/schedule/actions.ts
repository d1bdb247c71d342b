'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { parseSlotValue, slotOptions } from '@/components/emr/schedule/format';
import { refusalState, type ScheduleFormState } from '@/components/emr/schedule/messages';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import {
  bookAppointment, cancelAppointment, markCompleted, markNoShow, rescheduleAppointment,
} from '@/lib/scheduling/booking';
import { freeSlotsForDay, getScheduleAppointment } from '@/lib/scheduling/schedule-view';


function failure(error: unknown): ScheduleFormState {
  if (error instanceof NotFoundError) return { ok: false, message: 'This appointment, patient, service or provider no longer exists. Reload the page.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to change the schedule.' };
  // Name and Postgres code only: a failed query's message quotes its parameters (PHI).
  const code = (error as { cause?: { code?: string } }).cause?.code;
  console.error(`schedule action failed (${error instanceof Error ? error.name : 'unknown'}${code ? ` ${code}` : ''})`);
  return { ok: false, message: 'The schedule could not be changed. Nothing was saved; please try again.' };
}

/** Fresh choices for the same day after 'slot-taken', so the form never offers the lost time again. */
async function withFreshSlots(ctx: StaffContext, state: ScheduleFormState, q: { serviceId: string; locationId: string; providerChoice: string; day: string }) {
  try {
    const free = await freeSlotsForDay(getDb(), ctx, { serviceId: q.serviceId, locationId: q.locationId, providerId: q.providerChoice, day: q.day });
    return { ...state, slots: slotOptions(free, q.providerChoice) };
  } catch {
    return { ...state, slots: [] };
  }
}

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

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const providerChoice = z.union([z.literal('any'), z.uuid()]);
const bookSchema = z.object({ patientId: z.uuid(), locationId: z.uuid(), serviceId: z.uuid(), providerChoice, day });
const rescheduleSchema = z.object({ appointmentId: z.uuid(), locationId: z.uuid(), serviceId: z.uuid(), providerChoice, day });
const appointmentSchema = z.object({ appointmentId: z.uuid() });

function pick(form: FormData, names: string[]) {
  return Object.fromEntries(names.map((n) => [n, form.get(n)]));
}

export async function bookAction(_: ScheduleFormState, form: FormData): Promise<ScheduleFormState> {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const parsed = bookSchema.safeParse(pick(form, ['patientId', 'locationId', 'serviceId', 'providerChoice', 'day']));
  if (!parsed.success) return { ok: false, message: 'The booking was not understood. Start again from the schedule.' };
  const slot = parseSlotValue(form.get('slot'));
  if (!slot) return { ok: false, message: 'Pick a time.', fieldErrors: { slot: 'Pick a time.' } };
  const { patientId, locationId, serviceId } = parsed.data;
  let href: string;
  try {
    const result = await bookAppointment(getDb(), ctx, { patientId, locationId, serviceId, providerId: slot.providerId, startsAt: slot.startsAt });
    if (!result.ok) {
      const state = refusalState(result);
      return result.error === 'slot-taken' ? withFreshSlots(ctx, state, parsed.data) : state;
    }
    changed();
    href = await scheduleHref(ctx, result.appointment.id, 'booked');
  } catch (error) {
    return failure(error);
  }
  redirect(href);
}

export async function rescheduleAction(_: ScheduleFormState, form: FormData): Promise<ScheduleFormState> {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const parsed = rescheduleSchema.safeParse(pick(form, ['appointmentId', 'locationId', 'serviceId', 'providerChoice', 'day']));
  if (!parsed.success) return { ok: false, message: 'The change was not understood. Reload the page and try again.' };
  const slot = parseSlotValue(form.get('slot'));
  if (!slot) return { ok: false, message: 'Pick a new time.', fieldErrors: { slot: 'Pick a new time.' } };
  let href: string;
  try {
    const result = await rescheduleAppointment(getDb(), ctx, parsed.data.appointmentId, {
      locationId: parsed.data.locationId, providerId: slot.providerId, startsAt: slot.startsAt,
    });
    if (!result.ok) {
      const state = refusalState(result);
      return result.error === 'slot-taken' ? withFreshSlots(ctx, state, parsed.data) : state;
    }
    changed();
    href = await scheduleHref(ctx, result.appointment.id, 'rescheduled');
  } catch (error) {
    return failure(error);
  }
  redirect(href);
}

export async function cancelAction(_: ScheduleFormState, form: FormData): Promise<ScheduleFormState> {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const parsed = appointmentSchema.safeParse(pick(form, ['appointmentId']));
  if (!parsed.success) return { ok: false, message: 'This appointment no longer exists.' };
  const reason = String(form.get('reason') ?? '').trim();
  if (!reason) return refusalState({ ok: false, error: 'reason-required' });
  if (reason.length > 500) return { ok: false, message: 'Keep the reason under 500 characters.', fieldErrors: { reason: 'Keep the reason under 500 characters.' } };
  let href: string;
  try {
    const result = await cancelAppointment(getDb(), ctx, parsed.data.appointmentId, reason);
    if (!result.ok) return refusalState(result);
    changed();
    href = await scheduleHref(ctx, parsed.data.appointmentId, 'cancelled');
  } catch (error) {
    return failure(error);
  }
  redirect(href);
}

async function markOutcome(form: FormData, outcome: 'completed' | 'no_show'): Promise<ScheduleFormState> {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const parsed = appointmentSchema.safeParse(pick(form, ['appointmentId']));
  if (!parsed.success) return { ok: false, message: 'This appointment no longer exists.' };
  let href: string;
  try {
    const mark = outcome === 'completed' ? markCompleted : markNoShow;
    const result = await mark(getDb(), ctx, parsed.data.appointmentId);
    if (!result.ok) return refusalState(result);
    changed();
    href = await scheduleHref(ctx, parsed.data.appointmentId, outcome);
  } catch (error) {
    return failure(error);
  }
  redirect(href);
}

export async function markCompletedAction(_: ScheduleFormState, form: FormData): Promise<ScheduleFormState> {
  return markOutcome(form, 'completed');
}

export async function markNoShowAction(_: ScheduleFormState, form: FormData): Promise<ScheduleFormState> {
  return markOutcome(form, 'no_show');
}
