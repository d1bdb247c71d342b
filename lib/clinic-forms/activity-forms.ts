import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The portal's home-activity checklist: one small form per day ("Mark today done", "Undo"),
 * parsed by the server action and checked in the browser with the same schema once the page is
 * interactive (lib/forms/use-lazy-action-form.ts). Every field is one the page wrote; messages
 * are keys of the activities catalogue (lib/i18n/messages/activities.ts). Which patient comes from
 * the session, never from a field. Browser-safe.
 */
export const markActivityDaySchema = formSchema(z.object({
  assignmentId: z.uuid({ error: 'activityNotFound' }),
  day: z.iso.date({ error: 'errDay' }),
  done: z.enum(['true', 'false'], { error: 'errDay' }),
}, { error: 'activityNotFound' }));
export type MarkActivityDayInput = z.output<typeof markActivityDaySchema>;
