import type { BookingResult, ChangeResult, RescheduleResult } from '@/lib/scheduling/booking';
import { STATUS_LABEL, type SlotOption } from './format';

export interface ScheduleFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<'slot' | 'reason', string>>;
  /** Fresh free times after a refusal, replacing the ones the form was showing. */
  slots?: SlotOption[];
}

export const SLOT_TAKEN_MESSAGE = 'That time was just taken — pick another.';

export type Refusal = Exclude<BookingResult | RescheduleResult | ChangeResult, { ok: true }>;

/** A specific sentence for each refusal of lib/scheduling/booking.ts, for staff (English only). */
export function refusalState(result: Refusal): ScheduleFormState {
  switch (result.error) {
    case 'slot-taken': return { ok: false, message: SLOT_TAKEN_MESSAGE, fieldErrors: { slot: SLOT_TAKEN_MESSAGE } };
    case 'too-soon': return { ok: false, message: 'That time is too soon under the clinic’s minimum notice. Pick a later time.' };
    case 'beyond-horizon': return { ok: false, message: 'That time is further ahead than the clinic books. Pick an earlier day.' };
    case 'outside-hours': return { ok: false, message: 'The provider is not working at that time. Pick one of the listed times.' };
    case 'time-off': return { ok: false, message: 'The provider is away at that time. Pick another.' };
    case 'not-offered': return { ok: false, message: 'That provider does not offer this service at this location. Pick another provider.' };
    case 'not-active': return { ok: false, message: `This visit is already ${STATUS_LABEL[result.status].toLowerCase()}, so it can no longer be changed.` };
    case 'reason-required': return { ok: false, message: 'Enter a reason for the cancellation.', fieldErrors: { reason: 'Enter a reason for the cancellation.' } };
    case 'not-started': return { ok: false, message: 'This visit has not started yet. Mark it completed or no-show once its start time has passed.' };
    case 'outside-window': return { ok: false, message: `Changes close ${result.hoursBefore} hours before the visit.` };
  }
}

