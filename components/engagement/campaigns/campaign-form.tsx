'use client';

import Link from 'next/link';
import { useId, useSyncExternalStore } from 'react';
import { ChoiceCards } from '@/components/crm/settings-fields';
import { SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { CAMPAIGN_CHANNEL_LABELS, editCampaignSchema, newCampaignSchema, patientCount } from './campaign-form-schemas';

/**
 * A campaign's settings (CRM → Campaigns, new and a draft's page): its name, email or SMS, a
 * marketing template of that channel with its preview (sample values, as sent), the segment with
 * how many patients it takes today, and the pace: quiet hours (SMS) and a rate. With JavaScript the
 * template list follows the channel and the preview and count follow the choices; without it the
 * list shows both channels' templates in groups, the page shows the saved choice's preview, and
 * the form posts as it is (a mismatch is refused on its field).
 */

type Channel = 'email' | 'sms';

export interface TemplatePreviewText {
  language: string;
  /** "English", "Spanish". */
  label: string;
  subject?: string;
  /** The plain-text part (email) or the text as sent (SMS). */
  text: string;
  /** Email: the HTML part in the clinic's layout. */
  html?: string;
  /** SMS: "2 segments · GSM-7, 190 characters". */
  smsSegments?: string;
}

export interface TemplateChoice {
  id: string;
  name: string;
  channel: Channel;
  previews: TemplatePreviewText[];
}

export interface CampaignFormOptions {
  templates: TemplateChoice[];
  segments: { id: string; name: string; count: number }[];
}

export interface CampaignFormValues {
  name: string;
  channel: Channel;
  templateId: string;
  segmentId: string;
  quietStart: string;
  quietEnd: string;
  ratePerMinute: number;
}

type Target = { mode: 'create' } | { mode: 'update'; campaignId: string };

const linkClass = 'link';
const noSubscription = () => () => undefined;

export function CampaignForm({ action, target, values, options, submitLabel }: {
  action: FormAction<ActionState>;
  target: Target;
  values: CampaignFormValues;
  options: CampaignFormOptions;
  submitLabel: string;
}) {
  const id = useId();
  const schema = target.mode === 'create' ? newCampaignSchema : editCampaignSchema;
  const hidden = target.mode === 'update' ? { campaignId: target.campaignId } : {};
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, {
    defaultValues: { ...hidden, ...values, ratePerMinute: String(values.ratePerMinute) } as never,
    resetAfterSubmit: false,
  });
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: keyof CampaignFormValues) => posted?.[name] ?? String(values[name]);
  const watched = form.watch() as Partial<Record<keyof CampaignFormValues, string>>;
  const current = (name: keyof CampaignFormValues) => (live ? watched[name] ?? text(name) : text(name));

  const channel = (current('channel') === 'sms' ? 'sms' : 'email') as Channel;
  const template = options.templates.find((t) => t.id === current('templateId'));
  const segment = options.segments.find((s) => s.id === current('segmentId'));
  // A channel's change leaves a template of the other channel unchosen: the list no longer has it.
  const channelField = form.register('channel' as never, {
    onChange: (event: { target: { value: string } }) => {
      const chosen = options.templates.find((t) => t.id === (form.getValues() as Record<string, unknown>).templateId);
      if (chosen && chosen.channel !== event.target.value) form.setValue('templateId' as never, '' as never);
    },
  });
  const templateOption = (t: TemplateChoice) => <option key={t.id} value={t.id}>{t.name}</option>;
  const byChannel = (c: Channel) => options.templates.filter((t) => t.channel === c);

  return (
    <form {...formProps} className="space-y-6">
      {target.mode === 'update' ? <input type="hidden" name="campaignId" value={target.campaignId} /> : null}

      <section aria-labelledby={`${id}-message`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-message`} className="text-lg font-semibold">Message</h2>
        <TextField {...form.register('name' as never)} label="Name" hint="For staff: how the campaign is listed. Patients never see it."
          defaultValue={text('name')} maxLength={120} autoComplete="off" error={errorFor('name')} className="max-w-xl" />
        <ChoiceCards {...channelField} legend="Sent as" defaultValue={text('channel')} error={errorFor('channel')}
          options={[
            { value: 'email', label: CAMPAIGN_CHANNEL_LABELS.email, description: 'To patients who said yes to marketing by email. Every email carries an unsubscribe link.' },
            { value: 'sms', label: CAMPAIGN_CHANNEL_LABELS.sms, description: 'To patients who said yes to marketing by text. Each text ends with how to reply STOP.' },
          ]} />
        <div className="max-w-xl">
          <SelectField {...form.register('templateId' as never)} label="Template" defaultValue={text('templateId')} error={errorFor('templateId')}
            hint={live ? `Marketing templates sent as ${channel === 'sms' ? 'a text message' : 'an email'}.` : 'Marketing templates; choose one sent as the channel above.'}>
            <option value="">Choose a template</option>
            {live ? byChannel(channel).map(templateOption) : (
              <>
                <optgroup label="Email templates">{byChannel('email').map(templateOption)}</optgroup>
                <optgroup label="Text message templates">{byChannel('sms').map(templateOption)}</optgroup>
              </>
            )}
          </SelectField>
          <p className="mt-2 text-sm">
            <Link href="/crm/templates/new" className={linkClass}>Create a marketing template</Link>
            <span className="text-fg-muted"> (choose “Marketing” as its purpose; only the patient’s first name, the clinic and the portal can be named).</span>
          </p>
        </div>
        <TemplatePreview template={template} />
      </section>

      <section aria-labelledby={`${id}-audience`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-audience`} className="text-lg font-semibold">Who gets it</h2>
        <div className="max-w-xl">
          <SelectField {...form.register('segmentId' as never)} label="Segment" defaultValue={text('segmentId')} error={errorFor('segmentId')}>
            <option value="">Choose a segment</option>
            {options.segments.map((s) => <option key={s.id} value={s.id}>{`${s.name} (${patientCount(s.count)} today)`}</option>)}
          </SelectField>
          <p className="mt-2 text-sm"><Link href="/crm/segments/new" className={linkClass}>Create a segment</Link></p>
        </div>
        <div className="rounded-lg border border-line bg-brand-soft px-4 py-3">
          <p role="status" aria-live="polite" className="font-semibold">
            {segment ? `${patientCount(segment.count)} in “${segment.name}” today.` : 'Choose a segment to see how many patients it takes.'}
          </p>
          <p className="mt-1 text-sm text-fg-muted">
            Only those who said yes to marketing {channel === 'sms' ? 'by text message' : 'by email'} get it. Patients without that consent, unsubscribed or
            without {channel === 'sms' ? 'a mobile number' : 'an email address'} are left out, and the report counts them. The segment is counted again when the campaign goes out.
          </p>
        </div>
      </section>

      <section aria-labelledby={`${id}-pace`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-pace`} className="text-lg font-semibold">Pace</h2>
        {/* Hidden for email with JavaScript, still posted: the settings keep their values. */}
        <fieldset hidden={live && channel === 'email'} aria-describedby={`${id}-quiet-hint`}>
          <legend className="text-sm font-medium">Quiet hours{live ? '' : ' (text messages only)'}</legend>
          <p id={`${id}-quiet-hint`} className="mt-0.5 text-sm text-fg-muted">
            No texts between these times, in each patient’s time zone (the one they chose in the portal, else the clinic’s). A text due then waits until the
            quiet hours end. The same time twice turns quiet hours off.
          </p>
          <div className="mt-2 grid max-w-md gap-4 sm:grid-cols-2">
            <TextField {...form.register('quietStart' as never)} type="time" label="From" defaultValue={text('quietStart')} error={errorFor('quietStart')} />
            <TextField {...form.register('quietEnd' as never)} type="time" label="Until" defaultValue={text('quietEnd')} error={errorFor('quietEnd')} />
          </div>
        </fieldset>
        <TextField {...form.register('ratePerMinute' as never)} type="number" inputMode="numeric" min={1} max={100_000} step={1} label="Messages a minute"
          hint="How fast it goes out: at 600 a minute, 10,000 patients take about 17 minutes." defaultValue={text('ratePerMinute')}
          error={errorFor('ratePerMinute')} className="max-w-xs" />
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
    </form>
  );
}

/** The chosen template as a patient gets it, with sample values, in each of its languages. */
export function TemplatePreview({ template }: { template: TemplateChoice | undefined }) {
  const id = useId();
  return (
    <figure aria-labelledby={`${id}-caption`} className="rounded-lg border border-dashed border-line bg-surface-muted p-4">
      <figcaption id={`${id}-caption`} className="text-sm font-medium text-fg-muted">
        {template ? `Preview of “${template.name}” with sample values (Maria…): each patient gets their own language when the template has it, else English.` : 'Preview'}
      </figcaption>
      {!template ? <p className="mt-2 text-fg-muted">Choose a template to see the message.</p> : template.previews.map((p) => (
        <div key={p.language} className="mt-4">
          <h3 className="font-semibold">{p.label}</h3>
          {p.html !== undefined ? (
            <>
              <p className="mt-1 text-sm"><span className="text-fg-muted">Subject:</span> {p.subject}</p>
              <iframe title={`${p.label} email of “${template.name}” as sent`} srcDoc={p.html} sandbox="" className="mt-2 h-96 w-full rounded-lg border border-line bg-white" />
            </>
          ) : (
            <>
              <p className="mt-2 max-w-sm whitespace-pre-wrap break-words rounded-2xl bg-surface px-4 py-3">{p.text}</p>
              <p className="mt-1 text-sm text-fg-muted">{p.smsSegments}</p>
            </>
          )}
        </div>
      ))}
    </figure>
  );
}
