'use client';

import { useRef } from 'react';
import type { PlainFormAction } from '@/lib/actions/result';
import type { CommonMessages } from '@/lib/i18n/messages/common';
import type { LinkedPatient } from '@/lib/access/context';

/** Header control for accounts that reach several patients. Works without JavaScript too. */
export function PatientSelector({
  action,
  patients,
  selectedId,
  messages,
}: {
  action: PlainFormAction;
  patients: LinkedPatient[];
  selectedId: string | null;
  messages: Pick<CommonMessages, 'actingFor' | 'choosePatient' | 'switchPatient'>;
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
        className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
      >
        {selectedId ? null : <option value="">{messages.choosePatient}</option>}
        {patients.map((p) => (
          <option key={p.id} value={p.id}>
            {p.firstName} {p.lastName}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="rounded-md border border-line px-2 py-1 text-sm">{messages.switchPatient}</button>
      </noscript>
    </form>
  );
}
