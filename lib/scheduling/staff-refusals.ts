import 'server-only';
import { RuleError } from '@/lib/kernel/errors';
import type { BookingResult, ChangeResult, RescheduleResult } from './booking';
import { STATUS_LABEL, type SlotOption } from './schedule-format';

/** The staff schedule's refusals, in the sentences staff read (English only). */

export const SLOT_TAKEN_MESSAGE = 'That time was just taken — pick another.';

export type Refusal = Exclude<BookingResult | RescheduleResult | ChangeResult, { ok: true }>;

/** A specific sentence for each refusal of booking.ts, and the field it belongs to. */
function sentence(result: Refusal): { message: string; field?: 'slot' | 'reason' } {
  switch (result.error) {
    case 'slot-taken': return { message: SLOT_TAKEN_MESSAGE, field: 'slot' };
    case 'too-soon': return { message: 'That time is too soon under the clinic’s minimum notice. Pick a later time.' };
    case 'beyond-horizon': return { message: 'That time is further ahead than the clinic books. Pick an earlier day.' };
    case 'outside-hours': return { message: 'The provider is not working at that time. Pick one of the listed times.' };
    case 'time-off': return { message: 'The provider is away at that time. Pick another.' };
    case 'not-offered': return { message: 'That provider does not offer this service at this location. Pick another provider.' };
    case 'not-active': return { message: `This visit is already ${STATUS_LABEL[result.status].toLowerCase()}, so it can no longer be changed.` };
    case 'reason-required': return { message: 'Enter a reason for the cancellation.', field: 'reason' };
    case 'not-started': return { message: 'This visit has not started yet. Mark it completed or no-show once its start time has passed.' };
    case 'outside-window': return { message: `Changes close ${result.hoursBefore} hours before the visit.` };
  }
}

/** A booking, move, cancellation or outcome the clinic's rules refuse. */
export class ScheduleRefusedError extends RuleError {
  constructor(readonly refusal: Refusal, fresh?: { slots: SlotOption[] }) {
    const { message, field } = sentence(refusal);
    super(refusal.error, message, field ? { [field]: message } : undefined, fresh);
    this.name = 'ScheduleRefusedError';
  }
}

/** A field of a schedule form to fix (no time picked, a reason too long). */
export class ScheduleFieldError extends RuleError {
  constructor(field: 'slot' | 'reason', message: string) {
    super(`${field}-invalid`, message, { [field]: message });
    this.name = 'ScheduleFieldError';
  }
}
