'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import {
  campaignIdSchema, editCampaignSchema, newCampaignSchema, sendCampaignSchema, type SendCampaignState,
} from '@/components/engagement/campaigns/campaign-form-schemas';
import { formatClinicInstant } from '@/components/engagement/campaigns/campaign-time';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { cancelCampaign, createCampaign, getCampaign, scheduleCampaign, updateCampaign } from '@/lib/engagement/campaigns/campaigns';
import { getSegment } from '@/lib/engagement/segments/segments';
import { RuleError } from '@/lib/kernel/errors';
import { zonedDate, zonedInstant, zonedTime } from '@/lib/scheduling/zoned-time';

/**
 * CRM → Campaigns (issue 18 point 6): create and edit drafts, send now or at a time on the
 * clinic's clock (a review step first, saying how many patients the segment takes and that those
 * without consent are left out), and cancel. Each needs campaigns.manage (lib/ checks it again);
 * the clinic is the session's, never a posted field.
 */

const managing = {
  area: 'crm',
  permission: 'campaigns.manage',
  messages: {
    notFound: 'This campaign no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to manage campaigns.',
  },
} as const;

const SETTINGS = ['name', 'channel', 'templateId', 'segmentId', 'quietStart', 'quietEnd', 'ratePerMinute'];

export const createCampaignAction = staffAction({ ...managing, schema: newCampaignSchema, echo: SETTINGS }, async (ctx, input): Promise<ActionState> => {
  const { id } = await createCampaign(getDb(), ctx, input);
  redirect(`/crm/campaigns/${id}?done=created`);
});

export const updateCampaignAction = staffAction({ ...managing, schema: editCampaignSchema, echo: SETTINGS }, async (ctx, { campaignId, ...input }): Promise<ActionState> => {
  await updateCampaign(getDb(), ctx, campaignId, input);
  refresh();
  return { ok: true, message: 'Draft saved.' };
});

/**
 * The instant a "later" send means: the day and time on the clinic's clock, in its zone. A time
 * the clock skips that day (02:30 when daylight saving starts) is refused rather than moved.
 */
function sendInstant(sendDate: string, sendTime: string, timeZone: string): Date {
  const at = zonedInstant(sendDate, sendTime, timeZone);
  if (zonedDate(at, timeZone) !== sendDate || zonedTime(at, timeZone) !== sendTime) {
    throw new RuleError('campaign-time-skipped', 'Check the highlighted fields.', {
      sendTime: 'The clinic’s clock skips this time that day (daylight saving time starts). Choose another time.',
    });
  }
  if (at.getTime() <= now().getTime()) {
    throw new RuleError('campaign-time-past', 'Check the highlighted fields.', { sendTime: 'This time has passed. Choose a later time, or send now.' });
  }
  return at;
}

/**
 * "Send": the first post answers with the review (the segment's patients today, when in words);
 * "Change" goes back to the choice as posted; the review's confirm schedules the draft (now is
 * the current instant) and opens the campaign's page.
 */
export const sendCampaignAction = staffAction<typeof sendCampaignSchema, SendCampaignState>({
  ...managing,
  schema: sendCampaignSchema,
  echo: ['when', 'sendDate', 'sendTime'],
  rules: {
    'campaign-past': 'This time has passed. Choose a later time, or send now.',
    'campaign-invalid': {
      message: 'The campaign’s template or segment can no longer be used (archived, or changed). Choose again in the settings above, save the draft, then send.',
      fields: 'Choose again and save the draft.',
    },
  },
}, async (ctx, values): Promise<SendCampaignState> => {
  const { campaignId, when, sendDate, sendTime, confirm } = values;
  const posted = { when, sendDate, sendTime };
  if (confirm === 'change') return { values: posted };
  const db = getDb();
  const campaign = await getCampaign(db, ctx, campaignId);
  if (campaign.status !== 'draft') return { ok: false, message: 'This campaign was already sent or scheduled. Reload the page to see it.' };
  const timeZone = await clinicTimeZone(db, ctx.tenant.id);
  const sendAt = when === 'later' ? sendInstant(sendDate, sendTime, timeZone) : null;
  if (confirm !== 'yes') {
    const segment = await getSegment(db, ctx, campaign.segmentId);
    return {
      ok: true,
      review: { ...posted, whenText: sendAt ? formatClinicInstant(sendAt, timeZone) : 'now', segmentName: segment.name, patients: segment.count },
    };
  }
  await scheduleCampaign(db, ctx, campaignId, sendAt);
  redirect(`/crm/campaigns/${campaignId}?done=${sendAt ? 'scheduled' : 'sent'}`);
});

export const cancelCampaignAction = staffAction({ ...managing, schema: campaignIdSchema }, async (ctx, { campaignId }): Promise<ActionState> => {
  const next = await cancelCampaign(getDb(), ctx, campaignId);
  refresh();
  return next === 'draft'
    ? { ok: true, message: 'The send is cancelled: the campaign is a draft again. Change it, or send it when you are ready.' }
    : { ok: true, message: 'Stopped. Messages not yet handed over will not be sent; those already handed over still go.' };
});
