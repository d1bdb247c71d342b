import type { ActionState } from '@/lib/actions/result';
import { campaignInputSchema } from '@/lib/engagement/campaigns/campaign-input';
import { z } from '@/lib/validation/zod';

/**
 * The campaign pages' forms (CRM → Campaigns), shared by the browser (react-hook-form) and the
 * server actions; browser-safe. A campaign's settings are lib's own schema (campaignInputSchema);
 * this adds what the pages post around it: the campaign's id, and the send form's "now or at a
 * date and time", read on the clinic's wall clock (the action turns it into an instant in the
 * clinic's zone), with a second step that confirms.
 */

export const CAMPAIGN_CHANNEL_LABELS = { email: 'Email', sms: 'Text message (SMS)' } as const;

export const CAMPAIGN_STATUS_LABELS = {
  draft: 'Draft', scheduled: 'Scheduled', queueing: 'Sending', sending: 'Sending', sent: 'Sent', cancelled: 'Cancelled',
} as const;

/** A new campaign's settings until someone changes them: no SMS from 21:00 to 08:00, 600 a minute. */
export const CAMPAIGN_DEFAULTS = { quietStart: '21:00', quietEnd: '08:00', ratePerMinute: 600 } as const;

const campaignId = z.string({ error: 'This campaign no longer exists. Reload the page.' }).uuid('This campaign no longer exists. Reload the page.');

/** "Create draft". */
export const newCampaignSchema = campaignInputSchema;

/** "Save draft": the settings and which campaign. */
export const editCampaignSchema = campaignInputSchema.extend({ campaignId });

/** "Cancel the send" / "Stop sending". */
export const campaignIdSchema = z.object({ campaignId });

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const blank = (v: unknown) => (v === undefined || v === null ? '' : v);
const text = z.preprocess(blank, z.string({ error: 'Enter text.' }));

/** A calendar date that exists (2030-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const day = new Date(`${value}T12:00:00Z`);
  // Month 13 is no date at all; 30 February rolls over into March.
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

export const SEND_WHEN = ['now', 'later'] as const;
/** The send form's steps: the first posts without `confirm`; the review's buttons post `yes` or `change`. */
export const SEND_CONFIRM = ['', 'yes', 'change'] as const;

/**
 * "Send": now, or at a date and time on the clinic's clock (both asked only for "later"). The
 * review step posts the same fields back with `confirm=yes`.
 */
export const sendCampaignSchema = z.object({
  campaignId,
  when: z.enum(SEND_WHEN, { message: 'Choose to send now or at a date and time.' }),
  sendDate: text,
  sendTime: text,
  confirm: z.preprocess(blank, z.enum(SEND_CONFIRM, { message: 'Reload the page and try again.' })),
}).superRefine((values, ctx) => {
  if (values.when !== 'later') return;
  if (!isCalendarDate(values.sendDate)) ctx.addIssue({ code: 'custom', path: ['sendDate'], message: 'Enter the day, like 2030-03-04.' });
  if (!HHMM.test(values.sendTime)) ctx.addIssue({ code: 'custom', path: ['sendTime'], message: 'Enter the time, like 09:00.' });
});
export type SendCampaignForm = z.output<typeof sendCampaignSchema>;

/** What the send form's first step answers: the review to confirm (or the refusal). */
export interface SendCampaignState extends ActionState {
  review?: {
    when: (typeof SEND_WHEN)[number];
    sendDate: string;
    sendTime: string;
    /** "now", or the instant in words on the clinic's clock with its zone. */
    whenText: string;
    segmentName: string;
    /** Patients the segment takes today, before consent is checked. */
    patients: number;
  };
}

/** "1 patient", "1,204 patients". */
export function patientCount(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'patient' : 'patients'}`;
}
