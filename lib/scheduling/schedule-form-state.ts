import 'server-only';
import type { ActionState } from '@/lib/actions/result';
import type { SlotOption } from './schedule-format';

/** What the staff schedule's forms show after an action. Browser-safe: types only. */
export interface ScheduleFormState extends ActionState {
  fieldErrors?: Partial<Record<'slot' | 'reason', string>>;
  /** Fresh free times after a refusal, replacing the ones the form was showing. */
  slots?: SlotOption[];
}
