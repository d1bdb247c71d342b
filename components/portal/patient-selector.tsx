'use client';

import { useRef } from 'react';
import type { PlainFormAction } from '@/lib/actions/result';
import type { LinkedPatient } from '@/lib/access/context';
import { interpolate } from '@/lib/i18n/core';
import type { CommonMessages } from '@/lib/i18n/messages/common';
import { scopeNoteKey } from '@/lib/portal-access/scope-note';

type SelectorMessages = Pick<
  CommonMessages,
  'actingFor' | 'choosePatient' | 'switchPatient' | 'selectorTeenLimited' | 'selectorAdultEnded' | 'selectorLimited' | 'selectorNotStarted' | 'selectorEnded'
>;

/**
 * Header control for accounts that reach several patients. Works without JavaScript too. A person
 * the account cannot act for today is listed, disabled, with the reason.
 */
export function PatientSelector({
  action,
  patients,
  selectedId,
  messages,
}: {
  action: PlainFormAction;
  patients: LinkedPatient[];
  selectedId: string | null;
  messages: SelectorMessages;
}) {
  const form = useRef<HTMLFormElement>(null);
  return (
    <form ref={form} action={action} className="flex items-center gap-2">
      <label htmlFor="patient-selector" className="text-sm font-medium">
        {messages.actingFor}
      </label>
      <select
        id="patient-selector"
        name="patientId"
        defaultValue={selectedId ?? ''}
        onChange={() => form.current?.requestSubmit()}
        className="max-w-[14rem] rounded-md border border-line bg-surface px-2 py-1.5 text-sm sm:max-w-none"
      >
        {selectedId ? null : <option value="">{messages.choosePatient}</option>}
        {patients.map((p) => {
          const noteKey = scopeNoteKey(p);
          const note = noteKey ? interpolate(messages[noteKey], { name: p.firstName }) : null;
          return (
            <option key={p.id} value={p.id} disabled={p.areas.length === 0 && p.id !== selectedId}>
              {p.firstName} {p.lastName}{note ? ` (${note})` : ''}
            </option>
          );
        })}
      </select>
      <noscript>
        <button type="submit" className="rounded-md border border-line px-2 py-1 text-sm">{messages.switchPatient}</button>
      </noscript>
    </form>
  );
}
