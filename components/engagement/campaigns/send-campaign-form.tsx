'use client';

import { useEffect, useId, useRef, useSyncExternalStore } from 'react';
import { ChoiceCards } from '@/components/crm/settings-fields';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { patientCount, sendCampaignSchema, type SendCampaignState } from './campaign-form-schemas';

/**
 * "Send" on a draft: now, or at a day and time on the clinic's clock; then a review that says
 * when, to which segment, how many patients it takes today and that those without consent are
 * left out, with "Send now" / "Schedule" and "Change". Both steps are posts of one form, so it
 * works without JavaScript; with it the review takes the focus when it appears.
 */

const noSubscription = () => () => undefined;

export function SendCampaignForm({ action, campaignId, channel, suggested, timeZone }: {
  action: FormAction<SendCampaignState>;
  campaignId: string;
  channel: 'email' | 'sms';
  /** The day and time offered for "later": tomorrow at 09:00 on the clinic's clock. */
  suggested: { sendDate: string; sendTime: string };
  /** The clinic's zone, as the times are read in it ("America/Chicago"). */
  timeZone: string;
}) {
  const id = useId();
  const defaults = { campaignId, when: 'now', ...suggested, confirm: '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(sendCampaignSchema, action, { defaultValues: defaults as never, resetAfterSubmit: false });
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const shown = state.values ?? {};
  const text = (name: 'when' | 'sendDate' | 'sendTime') => shown[name] ?? defaults[name];
  const when = live ? (form.watch() as Record<string, string | undefined>).when ?? text('when') : text('when');
  const review = state.review;
  const reviewRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (review) reviewRef.current?.focus();
  }, [review]);

  if (review) {
    const now = review.when === 'now';
    return (
      <form {...formProps} className="space-y-4">
        <input type="hidden" name="campaignId" value={campaignId} />
        <input type="hidden" name="when" value={review.when} />
        <input type="hidden" name="sendDate" value={review.sendDate} />
        <input type="hidden" name="sendTime" value={review.sendTime} />
        <div className="rounded-lg border-2 border-brand-accent bg-brand-soft p-4">
          <h3 ref={reviewRef} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
            {now ? 'Send this campaign now?' : `Schedule this campaign for ${review.whenText}?`}
          </h3>
          <p className="mt-2">
            The segment “{review.segmentName}” takes <strong>{patientCount(review.patients)}</strong> today. Only those who said yes to marketing
            {channel === 'sms' ? ' by text message' : ' by email'} get it: patients without that consent, unsubscribed, or without
            {channel === 'sms' ? ' a mobile number' : ' an email address'} are left out, and the report counts them.
            {now ? '' : ' The segment is counted again at that time.'}
          </p>
          {now ? null : <p className="mt-2 text-sm text-fg-muted">On the clinic’s clock ({timeZone}). Until then you can cancel the send and change the campaign.</p>}
        </div>
        <FormMessage message={state.ok === false ? state.message : undefined} />
        <div className="flex flex-wrap gap-3">
          <PrimaryButton type="submit" name="confirm" value="yes" disabled={pending}>{pending ? 'Working…' : now ? 'Send now' : 'Schedule'}</PrimaryButton>
          <SecondaryButton type="submit" name="confirm" value="change" disabled={pending}>Change</SecondaryButton>
        </div>
      </form>
    );
  }

  const later = !live || when === 'later';
  return (
    <form {...formProps} className="space-y-4">
      <input type="hidden" name="campaignId" value={campaignId} />
      <ChoiceCards {...form.register('when' as never)} legend="When" defaultValue={text('when')} error={errorFor('when')}
        options={[
          { value: 'now', label: 'Send now', description: 'It starts within a few minutes, at the campaign’s pace.' },
          { value: 'later', label: 'Schedule', description: 'At a day and time on the clinic’s clock.' },
        ]} />
      {/* Without JavaScript both are shown, and read only for "Schedule". */}
      <fieldset hidden={!later} aria-describedby={`${id}-zone`} className="grid max-w-md gap-4 sm:grid-cols-2">
        <legend className="text-sm font-medium">{live ? 'Day and time' : 'Day and time (for “Schedule”)'}</legend>
        <p id={`${id}-zone`} className="text-sm text-fg-muted sm:col-span-2">In the clinic’s time zone, {timeZone}.</p>
        <TextField {...form.register('sendDate' as never)} type="date" label="Day" defaultValue={text('sendDate')} error={errorFor('sendDate')} />
        <TextField {...form.register('sendTime' as never)} type="time" label="Time" defaultValue={text('sendTime')} error={errorFor('sendTime') ?? errorFor('sendAt')} />
      </fieldset>
      <SubmitBelowAnswer state={state.ok === false ? state : {}} pending={pending} label="Review" pendingLabel="Counting…" />
    </form>
  );
}
