import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * A campaign's settings as the CRM form posts them (issue 18 point 6): browser-safe, so the form
 * checks what is typed with the same schema the server parses (react-hook-form), and lib
 * (./campaigns.ts) saves what it returns. Whether the template and segment are the clinic's, and
 * the template a marketing one of the channel, is lib's check when saving. Every refusal is in
 * words (a missing or non-numeric field too, never zod's own wording).
 */

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const time = (example: string) => z.string({ error: `Enter a time like ${example}.` }).regex(HHMM, `Enter a time like ${example}.`);

export const campaignInputSchema = z.object({
  name: withoutControlChars(z.string({ error: 'Give the campaign a name.' }).trim().min(1, 'Give the campaign a name.').max(120, 'Keep the name under 120 characters.')),
  channel: z.enum(['email', 'sms'], { message: 'Choose email or text message.' }),
  templateId: z.string({ error: 'Choose a template.' }).uuid('Choose a template.'),
  segmentId: z.string({ error: 'Choose a segment.' }).uuid('Choose a segment.'),
  quietStart: time('21:00'),
  quietEnd: time('08:00'),
  ratePerMinute: z.coerce.number({ error: 'Enter a whole number, like 600.' }).int('Enter a whole number.').min(1, 'Send at least 1 a minute.').max(100_000, 'At most 100,000 a minute.'),
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;
