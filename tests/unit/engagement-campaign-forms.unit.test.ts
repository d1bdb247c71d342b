import { describe, expect, it } from 'vitest';
import { campaignIdSchema, editCampaignSchema, isCalendarDate, newCampaignSchema, patientCount, sendCampaignSchema } from '@/components/engagement/campaigns/campaign-form-schemas';

/**
 * The campaign pages' forms (issue 18 point 6), as the browser and the server both parse them:
 * the settings (lib's schema) refuse in words whatever is posted, and "send" asks for a day and a
 * time only when it is scheduled, and only real ones.
 */

const ID = '0b6f2a1e-6d1c-4c1a-9a55-2f1f7f2f4c11';
const fieldErrors = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0] ?? '_form'), i.message]));
const settings = { name: ' Spring news ', channel: 'email', templateId: ID, segmentId: ID, quietStart: '21:00', quietEnd: '08:00', ratePerMinute: '600' };

describe('the settings', () => {
  it('parse what the form posts: the name trimmed, the rate a number', () => {
    expect(newCampaignSchema.parse(settings)).toEqual({ ...settings, name: 'Spring news', ratePerMinute: 600 });
    expect(editCampaignSchema.parse({ ...settings, campaignId: ID })).toMatchObject({ campaignId: ID, ratePerMinute: 600 });
  });

  it('refuse each field in its own words, whatever arrives', () => {
    expect(fieldErrors(newCampaignSchema.safeParse({}))).toEqual({
      name: 'Give the campaign a name.', channel: 'Choose email or text message.', templateId: 'Choose a template.', segmentId: 'Choose a segment.',
      quietStart: 'Enter a time like 21:00.', quietEnd: 'Enter a time like 08:00.', ratePerMinute: 'Enter a whole number, like 600.',
    });
    expect(fieldErrors(newCampaignSchema.safeParse({ ...settings, name: 'Spring\u0000', ratePerMinute: 'fast', quietEnd: '24:00', channel: 'fax' }))).toEqual({
      name: 'Remove the invisible control characters from this field.', ratePerMinute: 'Enter a whole number, like 600.', quietEnd: 'Enter a time like 08:00.',
      channel: 'Choose email or text message.',
    });
    expect(fieldErrors(newCampaignSchema.safeParse({ ...settings, ratePerMinute: '0.5' }))).toEqual({ ratePerMinute: 'Enter a whole number.' });
    expect(fieldErrors(newCampaignSchema.safeParse({ ...settings, ratePerMinute: '100001' }))).toEqual({ ratePerMinute: 'At most 100,000 a minute.' });
    expect(fieldErrors(campaignIdSchema.safeParse({ campaignId: 'nope' }))).toEqual({ campaignId: 'This campaign no longer exists. Reload the page.' });
  });
});

describe('send', () => {
  it('now: the day and time are not read', () => {
    expect(sendCampaignSchema.parse({ campaignId: ID, when: 'now', sendDate: 'soon', sendTime: 'x' })).toEqual({ campaignId: ID, when: 'now', sendDate: 'soon', sendTime: 'x', confirm: '' });
  });

  it('later: a real day and a time on the clock, both asked for', () => {
    const later = { campaignId: ID, when: 'later', sendDate: '2028-02-29', sendTime: '09:00', confirm: 'yes' };
    expect(sendCampaignSchema.parse(later)).toEqual(later);
    expect(fieldErrors(sendCampaignSchema.safeParse({ ...later, sendDate: '2027-02-29', sendTime: '9:00' })))
      .toEqual({ sendDate: 'Enter the day, like 2030-03-04.', sendTime: 'Enter the time, like 09:00.' });
    expect(fieldErrors(sendCampaignSchema.safeParse({ campaignId: ID, when: 'later' }))).toEqual({ sendDate: 'Enter the day, like 2030-03-04.', sendTime: 'Enter the time, like 09:00.' });
    expect(fieldErrors(sendCampaignSchema.safeParse({ ...later, when: 'tomorrow', confirm: 'maybe' })))
      .toEqual({ when: 'Choose to send now or at a date and time.', confirm: 'Reload the page and try again.' });
  });

  it('knows which days exist', () => {
    for (const day of ['2028-02-29', '2027-12-31', '2027-01-01']) expect(isCalendarDate(day)).toBe(true);
    for (const day of ['2027-02-29', '2100-02-29', '2027-04-31', '2027-13-01', '27-01-01', '2027-1-1', '']) expect(isCalendarDate(day)).toBe(false);
  });

  it('counts patients in words', () => {
    expect([patientCount(0), patientCount(1), patientCount(1204)]).toEqual(['0 patients', '1 patient', '1,204 patients']);
  });
});
