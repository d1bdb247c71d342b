'use client';

import { useId, useRef, useSyncExternalStore, type FocusEvent } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { ChoiceCards } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { TemplateContent } from '@/db/schema/automations';
import type { ContactChannel, ContactPurpose } from '@/db/schema/engagement';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { Locale } from '@/lib/i18n/core';
import { fillPlaceholders, PLACEHOLDERS, placeholdersFor, SAMPLE_VALUES, SCOPE_LABELS, type PlaceholderInfo, type PlaceholderName } from '@/lib/engagement/templates/placeholders';
import { describeSmsSegments, MAX_SMS_SEGMENTS, smsAsSent, smsSegments } from '@/lib/engagement/templates/sms-segments';
import {
  CHANNEL_LABELS, contentField, createTemplateSchema, LANGUAGE_LABELS, PURPOSE_LABELS, sampleSms, TEMPLATE_LIMITS, updateTemplateSchema,
} from '@/lib/engagement/templates/template-forms';

/**
 * A message template's form (CRM → Message templates, new and edit): the name, email or SMS and
 * care or marketing (chosen when it is made), and the words in English and, optionally, Spanish.
 * Beside them the placeholders this kind of template may use, each with what it means (with
 * JavaScript, a button puts it where the cursor was); under each text its preview with sample
 * values and, for SMS, the segment count. Without JavaScript the form posts as it is, and the
 * page answers with the same field errors and a preview of what was posted.
 */

export interface TemplateFormValues {
  name: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  content: Partial<Record<Locale, TemplateContent>>;
}

type Target = { mode: 'create' } | { mode: 'update'; messageTemplateId: string; builtin: boolean };

const NEW_TEMPLATE: TemplateFormValues = { name: '', channel: 'email', purpose: 'care', content: {} };
const LANGUAGES: readonly Locale[] = ['en', 'es'];
const TEXT_FIELDS = new Set(['enSubject', 'enBody', 'esSubject', 'esBody']);
const textareaClass = 'mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 font-mono text-sm text-fg shadow-sm focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent aria-invalid:border-red-600';
const noSubscription = () => () => undefined;

type Words = Record<'enSubject' | 'enBody' | 'esSubject' | 'esBody', string>;

function wordsOf(values: TemplateFormValues): Words {
  return {
    enSubject: values.content.en?.subject ?? '', enBody: values.content.en?.body ?? '',
    esSubject: values.content.es?.subject ?? '', esBody: values.content.es?.body ?? '',
  };
}

export function TemplateForm({ action, target, values = NEW_TEMPLATE, clinicName, submitLabel }: {
  action: FormAction<ActionState>;
  target: Target;
  values?: TemplateFormValues;
  /** The clinic's own name in the preview, instead of the sample's. */
  clinicName: string;
  submitLabel: string;
}) {
  const id = useId();
  const schema = target.mode === 'create' ? createTemplateSchema : updateTemplateSchema;
  const hidden = target.mode === 'update' ? { messageTemplateId: target.messageTemplateId } : {};
  const saved = { name: values.name, channel: values.channel, purpose: values.purpose, ...wordsOf(values) };
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, { defaultValues: { ...hidden, ...saved } as never, resetAfterSubmit: false });
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: keyof typeof saved) => posted?.[name] ?? String(saved[name]);
  // What the previews show: as typed with JavaScript, else what was posted or saved.
  const watched = form.watch() as Partial<Record<keyof typeof saved, string>>;
  const current = (name: keyof typeof saved) => (live ? watched[name] ?? text(name) : text(name));
  const channel = (target.mode === 'update' ? values.channel : current('channel')) as ContactChannel;
  const purpose = (target.mode === 'update' ? values.purpose : current('purpose')) as ContactPurpose;
  const samples = (language: Locale) => ({ ...SAMPLE_VALUES[language], 'clinic.name': clinicName });

  // The field a placeholder goes into: the last subject or text the person was in.
  const lastField = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);
  const remember = (event: FocusEvent<HTMLFormElement>) => {
    const el = event.target;
    if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && TEXT_FIELDS.has(el.name)) lastField.current = el;
  };
  const insert = (name: PlaceholderName) => {
    const el = lastField.current ?? (document.getElementById(`${id}-enBody`) as HTMLTextAreaElement | null);
    if (!el) return;
    const token = `{{${name}}}`;
    el.focus();
    el.setRangeText(token, el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length, 'end');
    form.setValue(el.name as never, el.value as never, { shouldDirty: true, shouldValidate: true });
  };

  return (
    <form {...formProps} onFocus={remember} className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] lg:items-start">
      {target.mode === 'update' ? (
        <>
          <input type="hidden" name="messageTemplateId" value={target.messageTemplateId} />
          <input type="hidden" name="channel" value={values.channel} />
          <input type="hidden" name="purpose" value={values.purpose} />
        </>
      ) : null}

      <div className="space-y-6">
        <section aria-labelledby={`${id}-about`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
          <h2 id={`${id}-about`} className="text-lg font-semibold">Template</h2>
          <TextField {...form.register('name' as never)} label="Name" hint="For staff: how automations and campaigns list it." defaultValue={text('name')}
            maxLength={TEMPLATE_LIMITS.name} autoComplete="off" error={errorFor('name')} />
          {target.mode === 'create' ? (
            <div className="grid gap-5 md:grid-cols-2">
              <ChoiceCards {...form.register('channel' as never)} legend="Sent as" defaultValue={text('channel')} error={errorFor('channel')}
                options={[
                  { value: 'email', label: CHANNEL_LABELS.email, description: 'A subject and a text, in the clinic’s email layout.' },
                  { value: 'sms', label: CHANNEL_LABELS.sms, description: 'A short text; each 160 characters (70 with some accents) is charged as a segment.' },
                ]} />
              <ChoiceCards {...form.register('purpose' as never)} legend="Purpose" defaultValue={text('purpose')} error={errorFor('purpose')}
                hint="Chosen once: automations and campaigns rely on it."
                options={[
                  { value: 'care', label: PURPOSE_LABELS.care, description: 'Reminders and notices automations send about the patient’s care.' },
                  { value: 'marketing', label: PURPOSE_LABELS.marketing, description: 'Campaigns, only to patients who agreed; no visit, form or order details.' },
                ]} />
            </div>
          ) : (
            <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
              <dt className="text-fg-muted">Sent as</dt>
              <dd>{CHANNEL_LABELS[values.channel]}</dd>
              <dt className="text-fg-muted">Purpose</dt>
              <dd>{PURPOSE_LABELS[values.purpose]}{target.builtin ? ' · built in: the clinic’s standard automations send it' : ''}</dd>
            </dl>
          )}
        </section>

        {LANGUAGES.map((language) => (
          <LanguageSection
            key={language}
            language={language}
            channel={channel}
            purpose={purpose}
            live={live}
            channelFixed={target.mode === 'update'}
            subject={{ field: form.register(contentField(language, 'subject') as never, { shouldUnregister: true }), value: current(contentField(language, 'subject') as keyof Words), saved: text(contentField(language, 'subject') as keyof Words), error: errorFor(contentField(language, 'subject')) }}
            body={{ field: form.register(contentField(language, 'body') as never), value: current(contentField(language, 'body') as keyof Words), saved: text(contentField(language, 'body') as keyof Words), error: errorFor(contentField(language, 'body')) }}
            bodyId={`${id}-${language}Body`}
            samples={samples(language)}
          />
        ))}

        <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
      </div>

      <PlaceholderList channel={channel} purpose={purpose} live={live} onInsert={insert} />
    </form>
  );
}

interface TextSlot {
  field: UseFormRegisterReturn;
  /** What is in the field now (for the preview and count). */
  value: string;
  /** Its initial value. */
  saved: string;
  error?: string;
}

/** One language's subject (email) and text, with the preview and, for SMS, the segment count. */
function LanguageSection({ language, channel, purpose, live, channelFixed, subject, body, bodyId, samples }: {
  language: Locale;
  channel: ContactChannel;
  purpose: ContactPurpose;
  live: boolean;
  /** An edit: the channel is known, so an SMS has no subject field even without JavaScript. */
  channelFixed: boolean;
  subject: TextSlot;
  body: TextSlot;
  bodyId: string;
  samples: Record<string, string>;
}) {
  const id = useId();
  const optional = language !== 'en';
  const empty = !body.value.trim() && !subject.value.trim();
  const sms = channel === 'sms';
  const count = sms ? smsSegments(sampleSms(body.value, purpose, language)) : null;
  const hintId = `${id}-hint`;
  const countId = `${id}-count`;
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
      <div>
        <h2 id={`${id}-heading`} className="text-lg font-semibold">{LANGUAGE_LABELS[language]}{optional ? ' (optional)' : ''}</h2>
        <p className="mt-1 text-sm text-fg-muted">
          {optional
            ? 'Patients whose language is Spanish get this version; everyone else gets English. Leave both fields empty for none.'
            : 'Every patient whose language the template has no version in gets this one.'}
        </p>
      </div>
      {!sms || (!live && !channelFixed) ? (
        <TextField {...subject.field} label="Subject" hint={live || channelFixed ? undefined : 'Email only: leave it empty for SMS.'}
          defaultValue={subject.saved} maxLength={TEMPLATE_LIMITS.subject} autoComplete="off" spellCheck error={subject.error} />
      ) : null}
      <div>
        <label htmlFor={bodyId} className="block text-sm font-medium">Text</label>
        <p id={hintId} className="mt-0.5 text-sm text-fg-muted">
          Placeholders are written {'{{scope.name}}'}; a blank line starts a new paragraph, and a link at the end of a line becomes a link in the email.
        </p>
        <textarea
          id={bodyId} {...body.field} defaultValue={body.saved} rows={sms ? 5 : 10} maxLength={TEMPLATE_LIMITS.body} spellCheck
          aria-invalid={body.error ? true : undefined}
          aria-describedby={[hintId, count ? countId : null, body.error ? `${id}-error` : null].filter(Boolean).join(' ')}
          className={textareaClass}
        />
        {count ? (
          <p id={countId} aria-live="polite" className={`mt-1 text-sm ${count.segments > MAX_SMS_SEGMENTS ? 'font-medium text-red-700 dark:text-red-300' : 'text-fg-muted'}`}>
            {describeSmsSegments(count)}{count.segments > 0 ? ' with sample values' : ''}{purpose === 'marketing' ? ', with the STOP line' : ''}{count.segments > MAX_SMS_SEGMENTS ? ` — at most ${MAX_SMS_SEGMENTS}` : ''}
          </p>
        ) : null}
        {body.error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{body.error}</p> : null}
      </div>
      {empty ? null : <Preview language={language} channel={channel} purpose={purpose} subject={subject.value} body={body.value} samples={samples} />}
    </section>
  );
}

/** The words with sample values, as plain text: the email's layout is shown on the saved template's page. */
function Preview({ language, channel, purpose, subject, body, samples }: {
  language: Locale;
  channel: ContactChannel;
  purpose: ContactPurpose;
  subject: string;
  body: string;
  samples: Record<string, string>;
}) {
  const id = useId();
  const filled = channel === 'sms' ? smsAsSent(fillPlaceholders(body, samples), purpose, language) : fillPlaceholders(body, samples);
  return (
    <figure aria-labelledby={`${id}-caption`} className="rounded-lg border border-dashed border-line bg-surface-muted p-4">
      <figcaption id={`${id}-caption`} className="text-sm font-medium text-fg-muted">Preview with sample values (Maria, a visit on a Tuesday…)</figcaption>
      {channel === 'email' ? <p className="mt-2 font-semibold">{fillPlaceholders(subject, samples) || <span className="text-fg-muted">(no subject)</span>}</p> : null}
      <p className="mt-2 whitespace-pre-wrap break-words">{filled}</p>
      {channel === 'email' && purpose === 'marketing' && !/\{\{\s*unsubscribe\.url\s*\}\}/.test(body) ? (
        <p className="mt-2 text-sm text-fg-muted">An unsubscribe link is added at the foot of every marketing email.</p>
      ) : null}
    </figure>
  );
}

/** The placeholders this kind of template may use, what each is, and (with JavaScript) a button to insert it. */
function PlaceholderList({ channel, purpose, live, onInsert }: { channel: ContactChannel; purpose: ContactPurpose; live: boolean; onInsert: (name: PlaceholderName) => void }) {
  const id = useId();
  const names = placeholdersFor({ channel, purpose });
  const scopes = [...new Set(names.map((n) => PLACEHOLDERS[n].scope))];
  return (
    <aside aria-labelledby={`${id}-heading`} className="rounded-xl border border-line bg-surface p-5 lg:sticky lg:top-4">
      <h2 id={`${id}-heading`} className="text-lg font-semibold">Placeholders</h2>
      <p className="mt-1 text-sm text-fg-muted">
        {purpose === 'marketing'
          ? 'Marketing may name the patient, the clinic and the portal only: nothing about visits, forms or orders.'
          : 'Each is filled in when the message is sent. Those of an event have a value only when the automation starts on that kind of event.'}
        {live ? ' “Insert” puts one where the cursor was.' : ''}
      </p>
      {scopes.map((scope) => (
        <div key={scope} className="mt-4">
          <h3 className="text-sm font-semibold">{SCOPE_LABELS[scope]}</h3>
          <ul className="mt-1 divide-y divide-line">
            {names.filter((n) => PLACEHOLDERS[n].scope === scope).map((name) => {
              const info: PlaceholderInfo = PLACEHOLDERS[name];
              return (
                <li key={name} className="flex items-start justify-between gap-2 py-2">
                  <div className="min-w-0">
                    <code className="break-all text-sm">{`{{${name}}}`}</code>
                    <p className="text-sm text-fg-muted">{info.description}</p>
                  </div>
                  {live ? (
                    <button type="button" onClick={() => onInsert(name)} className="inline-flex min-h-11 shrink-0 items-center rounded-lg border border-line px-3 text-sm font-medium hover:bg-surface-muted">
                      Insert<span className="sr-only"> {`{{${name}}}`}</span>
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </aside>
  );
}
