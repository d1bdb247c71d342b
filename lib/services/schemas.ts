import { translationShape } from '@/lib/i18n/clinic-text';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The service form, shared by the browser and the server. Accepts what a form posts (strings,
 * checkbox "on") as well as typed values, and is strict: a posted field not named here is refused.
 */

export const SERVICE_DURATION = { min: 5, max: 480 } as const;
/** The largest price the form takes, in cents (the column is a 32-bit integer). */
export const MAX_PRICE_CENTS = 99_999_999;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

export const MAX_REQUIRED_FORMS = 20;

/** What a service translates, limited like the default fields. */
export const SERVICE_TRANSLATED = { name: { label: 'service name', max: 80 }, description: { label: 'description', max: 500 } } as const;
export const SERVICE_TRANSLATED_FIELDS = ['name', 'description'] as const;
const requiredFormsMessage = 'Choose the forms from the list.';
const durationMessage = `Enter the duration as a whole number of minutes from ${SERVICE_DURATION.min} to ${SERVICE_DURATION.max}.`;
const priceMessage = 'Enter the price as an amount such as 120 or 120.50, or leave it empty.';

/**
 * "120", "120.5", "1,200.00", "$ 95" -> cents, by string arithmetic: 0.1 + 0.2 never reaches a
 * price. Null when the field is empty (no price shown to patients).
 */
export function parsePriceToCents(value: string): number | null | undefined {
  const cleaned = value.trim().replace(/^[$€£]\s*/, '').replace(/,(?=\d{3}(?:\D|$))/g, '');
  if (cleaned === '') return null;
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents <= MAX_PRICE_CENTS ? cents : undefined;
}

/** Cents back to what the form shows: 12000 -> "120.00". */
export function centsToPriceInput(cents: number | null): string {
  return cents === null ? '' : `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export const serviceSchema = z.strictObject({
  name: z.preprocess(
    blankToUndefined,
    withoutControlChars(z.string({ error: 'Enter the service name.' })).trim().max(80, 'Keep the service name to 80 characters or fewer.').transform((n) => n.replace(/\s+/g, ' ')),
  ),
  description: z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    withoutControlChars(z.string()).trim().max(500, 'Keep the description to 500 characters or fewer.').nullable(),
  ),
  durationMinutes: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : blankToUndefined(v)),
    z.number({ error: durationMessage }).int(durationMessage).min(SERVICE_DURATION.min, durationMessage).max(SERVICE_DURATION.max, durationMessage),
  ),
  // A missing price is no price; without the preprocess zod answers a missing key in its own words.
  price: z.preprocess(
    (v) => v ?? null,
    z.union([z.string(), z.null()], { error: priceMessage }).transform((v, issue) => {
      const cents = typeof v === 'string' ? parsePriceToCents(v) : null;
      if (cents === undefined) {
        issue.addIssue({ code: 'custom', message: priceMessage });
        return z.NEVER;
      }
      return cents;
    }),
  ),
  bookableOnline: checkbox,
  isVideo: checkbox,
  active: checkbox,
  // Forms required when booking (a checkbox group; the form also posts one empty value so that
  // unticking every box still says "none"). Absent: the service's forms are left as they are.
  requiredFormIds: z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).filter((id) => id !== '')),
    z.array(z.string({ error: requiredFormsMessage }).max(64, requiredFormsMessage), { error: requiredFormsMessage }).max(MAX_REQUIRED_FORMS, `Choose at most ${MAX_REQUIRED_FORMS} forms.`).optional(),
  ),
  // The name and description in the portal's other languages (name_es, description_es…).
  ...translationShape(SERVICE_TRANSLATED),
});
export type ServiceInput = z.output<typeof serviceSchema>;
