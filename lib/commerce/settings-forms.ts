import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { hasControlCharacters } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { checkbox, wholeNumber } from './product-forms';

/**
 * The shop options form (CRM → Shop), shared by the browser and the server action. Browser-safe.
 * Retry days are typed as a list ("1, 3, 7"); teams one per line.
 */

export const SHOP_LIMITS = {
  maxPauseDays: { min: 1, max: 365 },
  rescheduleWindowDays: { min: 0, max: 90 },
  requirementsDueDays: { min: 1, max: 90 },
  retryDay: { min: 1, max: 30 },
  retries: 6,
  teams: 20,
  teamName: 60,
} as const;

const RETRY_MESSAGE = `Enter up to ${SHOP_LIMITS.retries} days from ${SHOP_LIMITS.retryDay.min} to ${SHOP_LIMITS.retryDay.max}, each later than the one before, separated by commas, such as 1, 3, 7.`;

/** "1, 3, 7" → [1, 3, 7]; a message when it is not a rising list of 1 to 6 days from 1 to 30. */
export function parseRetryDays(text: string): number[] | string {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  if (parts.length === 0) return 'Enter at least one day to try a failed renewal again, such as 1, 3, 7.';
  if (parts.length > SHOP_LIMITS.retries || !parts.every((p) => /^\d{1,2}$/.test(p))) return RETRY_MESSAGE;
  const days = parts.map(Number);
  if (days.some((d, i) => d < SHOP_LIMITS.retryDay.min || d > SHOP_LIMITS.retryDay.max || (i > 0 && d <= days[i - 1]!))) return RETRY_MESSAGE;
  return days;
}

/** One team per line → the list; a message when a name is too long, repeated or unreadable. */
export function parseTeams(text: string): string[] | string {
  const names = text.split(/\r?\n/).map((t) => t.trim()).filter((t) => t !== '');
  if (names.length > SHOP_LIMITS.teams) return `Keep the list to ${SHOP_LIMITS.teams} teams or fewer.`;
  const seen = new Set<string>();
  for (const name of names) {
    if (hasControlCharacters(name)) return 'Remove the invisible control characters from the team names.';
    if (name.length > SHOP_LIMITS.teamName) return `Keep each team name to ${SHOP_LIMITS.teamName} characters or fewer.`;
    const key = name.toLowerCase();
    if (seen.has(key)) return `“${name}” is listed twice. Name each team once.`;
    seen.add(key);
  }
  return names;
}

const days = (label: string, range: { min: number; max: number }) =>
  wholeNumber(`Enter ${label} as a whole number of days from ${range.min} to ${range.max}.`, range.min, range.max);

export const shopSettingsSchema = z.strictObject({
  shopEnabled: checkbox,
  openToNewVisitors: checkbox,
  allowSkip: checkbox,
  allowPause: checkbox,
  maxPauseDays: days('the longest pause', SHOP_LIMITS.maxPauseDays),
  allowReschedule: checkbox,
  rescheduleWindowDays: days('how far the next date may move', SHOP_LIMITS.rescheduleWindowDays),
  allowCancel: checkbox,
  retryDays: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: RETRY_MESSAGE }).max(100, RETRY_MESSAGE).transform((text, ctx) => {
    const parsed = parseRetryDays(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  })),
  requirementsDueDays: days('the days to complete forms and uploads', SHOP_LIMITS.requirementsDueDays),
  teams: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: 'Enter the teams as text, one per line.' }).max(SHOP_LIMITS.teams * (SHOP_LIMITS.teamName + 2) * 2, `Keep the list to ${SHOP_LIMITS.teams} teams or fewer.`).transform((text, ctx) => {
    const parsed = parseTeams(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  })),
}, STRICT_FORM);

export type ShopSettingsInput = z.output<typeof shopSettingsSchema>;

/** The form's fields, shown again as posted after a refusal. */
export const SHOP_SETTINGS_FIELDS = [
  'shopEnabled', 'openToNewVisitors', 'allowSkip', 'allowPause', 'maxPauseDays', 'allowReschedule', 'rescheduleWindowDays',
  'allowCancel', 'retryDays', 'requirementsDueDays', 'teams',
] as const;

/** The saved options as the form shows them. */
export function shopSettingsFormValues(s: ShopSettingsInput): Record<(typeof SHOP_SETTINGS_FIELDS)[number], string> {
  const on = (b: boolean) => (b ? 'on' : '');
  return {
    shopEnabled: on(s.shopEnabled), openToNewVisitors: on(s.openToNewVisitors), allowSkip: on(s.allowSkip), allowPause: on(s.allowPause),
    maxPauseDays: String(s.maxPauseDays), allowReschedule: on(s.allowReschedule), rescheduleWindowDays: String(s.rescheduleWindowDays),
    allowCancel: on(s.allowCancel), retryDays: s.retryDays.join(', '), requirementsDueDays: String(s.requirementsDueDays), teams: s.teams.join('\n'),
  };
}
