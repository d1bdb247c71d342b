'use client';

import { useActionState } from 'react';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import { SubmitBesideFields } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { customDomainSchema, subdomainSchema, type DomainActionState } from '@/lib/domains/forms';
import { useActionForm } from '@/lib/forms/use-action-form';

type Action = FormAction<DomainActionState>;

export function SubdomainForm({ action, label, rootDomain }: { action: Action; label: string; rootDomain: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(subdomainSchema, action);
  return (
    <form
      {...formProps}
      className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
      onSubmit={(event) => {
        const next = String(new FormData(event.currentTarget).get('label') ?? '').trim().toLowerCase();
        if (next !== label && !window.confirm(`Move the clinic to ${next}.${rootDomain}? The current address stops working at once, and everyone signs in again on the new one.`)) {
          event.preventDefault();
          return;
        }
        formProps.onSubmit(event);
      }}
    >
      <div className="flex items-end gap-2">
        <TextField
          {...form.register('label')}
          className="grow"
          label="Subdomain"
          defaultValue={state.ok ? label : (state.values?.label ?? label)}
          maxLength={63}
          required
          autoComplete="off"
          spellCheck={false}
          hint="Lower-case letters, digits and hyphens. Changing it moves the clinic at once: the old address stops working."
          error={errorFor('label')}
        />
        <span className="pb-3 text-fg-muted">.{rootDomain}</span>
      </div>
      <SubmitBesideFields state={state} pending={pending} label="Change address" pendingLabel="Saving…" answerClassName="sm:col-span-2" />
    </form>
  );
}

export function AddCustomDomainForm({ action }: { action: Action }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(customDomainSchema, action);
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
      <TextField
        {...form.register('hostname')}
        label="Domain"
        placeholder="portal.yourclinic.com"
        defaultValue={state.ok ? '' : state.values?.hostname}
        maxLength={253}
        required
        autoComplete="off"
        spellCheck={false}
        hint="Use a subdomain of your website such as portal.yourclinic.com: most DNS providers cannot point the bare domain (yourclinic.com) with a CNAME."
        error={errorFor('hostname')}
      />
      <SubmitBesideFields state={state} pending={pending} label="Add domain" pendingLabel="Adding…" answerClassName="sm:col-span-2" />
    </form>
  );
}

const buttonClass = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted disabled:opacity-60';

export function CustomDomainActions({ domain, verify, remove }: { domain: { id: string; hostname: string; verified: boolean }; verify: Action; remove: Action }) {
  const [verifyState, verifyAction, verifyPending] = useActionState(verify, {});
  const [removeState, removeAction, removePending] = useActionState(remove, {});
  const shown = removeState.message ? removeState : verifyState;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <form action={verifyAction}>
          <input type="hidden" name="domainId" value={domain.id} />
          <button type="submit" disabled={verifyPending} aria-label={`${domain.verified ? 'Check DNS again for' : 'Verify'} ${domain.hostname}`} className={buttonClass}>
            {verifyPending ? 'Checking DNS…' : domain.verified ? 'Check again' : 'Verify'}
          </button>
        </form>
        <form
          action={removeAction}
          onSubmit={(event) => {
            if (!window.confirm(`Remove ${domain.hostname}? It stops opening your clinic at once.`)) event.preventDefault();
          }}
        >
          <input type="hidden" name="domainId" value={domain.id} />
          <button
            type="submit"
            disabled={removePending}
            aria-label={`Remove ${domain.hostname}`}
            className="rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:text-red-300"
          >
            Remove
          </button>
        </form>
      </div>
      <FormMessage message={shown.message} tone={shown.ok ? 'info' : 'error'} />
      {shown === verifyState && verifyState.warning ? <FormMessage message={verifyState.warning} tone="error" /> : null}
    </div>
  );
}
