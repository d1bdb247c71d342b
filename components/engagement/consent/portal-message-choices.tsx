'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { translator, type Locale } from '@/lib/i18n/core';
import { consent } from '@/lib/i18n/messages/consent';

export interface PortalChannelChoice {
  granted: boolean;
  /** A sentence under the box: no address on file, unsubscribed by link, STOP, undeliverable. */
  note: string | null;
}

/**
 * One patient's marketing choices, by email and by text (care messages are not a choice here).
 * Both boxes are always posted: an unticked box is a "no". Saving goes back to the settings page,
 * whose section says it was saved.
 */
export function PortalMessageChoices({ action: save, locale, patientId, patientName, email, sms, lastChanged }: {
  action: FormAction;
  locale: Locale;
  patientId: string;
  /** Shown when the account acts for several patients. */
  patientName: string | null;
  email: PortalChannelChoice;
  sms: PortalChannelChoice;
  lastChanged: string | null;
}) {
  const t = translator(consent, locale);
  const [state, action, pending] = useActionState<ActionState, FormData>(save, {});
  const legendId = useId();
  return (
    <form action={action} className="space-y-3" noValidate aria-labelledby={patientName ? legendId : undefined}>
      <FormMessage message={state.message} />
      {patientName ? <h3 id={legendId} className="font-medium">{t('forPatient', { name: patientName })}</h3> : null}
      <input type="hidden" name="patientId" value={patientId} />
      <ChoiceBox name="marketingEmail" label={t('marketingEmail')} choice={email} />
      <ChoiceBox name="marketingSms" label={t('marketingSms')} choice={sms} />
      {lastChanged ? <p className="text-sm text-fg-muted">{t('lastChanged', { date: lastChanged })}</p> : null}
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? t('savingMessages') : t('saveMessages')}
      </PrimaryButton>
    </form>
  );
}

function ChoiceBox({ name, label, choice }: { name: string; label: string; choice: PortalChannelChoice }) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        name={name}
        defaultChecked={choice.granted}
        aria-describedby={choice.note ? `${id}-note` : undefined}
        className="mt-1 size-5 shrink-0 accent-brand-accent"
      />
      <div>
        <label htmlFor={id} className="font-medium">{label}</label>
        {choice.note ? <p id={`${id}-note`} className="text-sm text-fg-muted">{choice.note}</p> : null}
      </div>
    </div>
  );
}
