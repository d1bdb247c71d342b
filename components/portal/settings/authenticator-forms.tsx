'use client';

import { useActionState, useEffect, useRef } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import type { AuthenticatorSettingsMessages } from '@/lib/i18n/messages/authenticator';
import type { AuthenticatorFormState } from '@/lib/portal-access/authenticator-forms';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadCodeSchema = () => import('@/lib/portal-access/authenticator-forms').then((m) => m.authenticatorCodeSchema);
const loadRemoveSchema = () => import('@/lib/portal-access/authenticator-forms').then((m) => m.removeAuthenticatorSchema);

export interface AuthenticatorActions {
  start: FormAction<AuthenticatorFormState>;
  cancel: FormAction<AuthenticatorFormState>;
  confirm: FormAction<AuthenticatorFormState>;
  regenerate: FormAction<AuthenticatorFormState>;
  remove: FormAction<AuthenticatorFormState>;
}

/** What the server found, without the dates (the section words them in the reader's zone). */
export type AuthenticatorView =
  | { state: 'off'; allowed: boolean }
  | { state: 'pending'; allowed: boolean; secret: string; qrSvg: string }
  | { state: 'on'; allowed: boolean };

/** "ABCD EFGH …": the key in groups of four, as apps ask for it and people copy it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The authenticator app's forms in Settings. Every form posts to its action without JavaScript;
 * with it, codes are checked with the action's own schema first. Every hook sits here, above the
 * state the page shows, so the recovery codes of a confirm or regenerate answer survive the page
 * re-rendering as enrolled: they are shown from that answer only, never stored in the clear.
 */
export function AuthenticatorForms({ view, messages: m, actions }: {
  view: AuthenticatorView;
  /** The reader's language's strings (not both catalogues: the portal's 150 kB first-load budget). */
  messages: AuthenticatorSettingsMessages;
  actions: AuthenticatorActions;
}) {
  const words = (raw: string | undefined) => (raw && Object.hasOwn(m, raw) ? m[raw as keyof AuthenticatorSettingsMessages] : raw);
  // Buttons without fields: nothing for the browser to check first.
  const [startState, startAction, starting] = useActionState(actions.start, {});
  const [, cancelAction, cancelling] = useActionState(actions.cancel, {});
  const confirm = useLazyActionForm(loadCodeSchema, actions.confirm);
  const regenerate = useLazyActionForm(loadCodeSchema, actions.regenerate);
  const remove = useLazyActionForm(loadRemoveSchema, actions.remove);

  // The newest set of codes this page was given (a confirm, then perhaps a regenerate).
  const issued = [confirm.state, regenerate.state]
    .filter((s) => s.recoveryCodes?.length)
    .sort((a, b) => (b.issuedAt ?? 0) - (a.issuedAt ?? 0))[0];
  const codes = view.state === 'on' ? issued?.recoveryCodes : undefined;
  const codesHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (codes) codesHeading.current?.focus();
  }, [codes]);

  if (view.state === 'off') {
    return (
      <div className="space-y-3">
        {remove.state.ok ? <FormMessage tone="info" message={remove.state.message} /> : null}
        {view.allowed ? (
          <form action={startAction} className="space-y-3">
            <FormMessage message={startState.message} />
            <PrimaryButton type="submit" disabled={starting} className="w-full sm:w-auto">
              {starting ? m.settingUp : m.setUp}
            </PrimaryButton>
          </form>
        ) : null}
      </div>
    );
  }

  if (view.state === 'pending') {
    return (
      <ol className="list-decimal space-y-4 ps-5">
        <li className="space-y-3">
          <p>{m.scanStep}</p>
          <div role="img" aria-label={m.qrLabel} className="w-48 max-w-full rounded-lg bg-white p-2" dangerouslySetInnerHTML={{ __html: view.qrSvg }} />
          <p className="text-sm">
            {m.manualKey}{' '}
            <code className="break-all rounded bg-surface-muted px-1 font-mono">{grouped(view.secret)}</code>
          </p>
        </li>
        <li className="space-y-3">
          <p>{m.confirmStep}</p>
          <form {...confirm.formProps} className="space-y-4">
            <FormMessage message={confirm.state.message} />
            <TextField
              label={m.codeLabel}
              hint={m.codeHint}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              required
              error={words(confirm.errorFor('code'))}
            />
            <PrimaryButton type="submit" disabled={confirm.pending} className="w-full sm:w-auto">
              {confirm.pending ? m.confirming : m.confirm}
            </PrimaryButton>
          </form>
          <form action={cancelAction}>
            <SecondaryButton type="submit" disabled={cancelling} className="w-full sm:w-auto">
              {m.cancel}
            </SecondaryButton>
          </form>
        </li>
      </ol>
    );
  }

  return (
    <div className="space-y-6">
      {codes ? (
        <div className="rounded-lg border-2 border-brand-accent p-4">
          <h3 ref={codesHeading} tabIndex={-1} className="text-base font-semibold focus:outline-none">
            {m.codesHeading}
          </h3>
          <p className="mt-1 text-sm">{m.codesIntro}</p>
          <ol className="mt-3 grid grid-cols-1 gap-1 font-mono text-base min-[360px]:grid-cols-2" aria-label={m.codesHeading}>
            {codes.map((code) => (
              <li key={code} className="rounded bg-surface-muted px-2 py-1">
                {code}
              </li>
            ))}
          </ol>
          {/* A full page load (a URL other than this one: a link that only adds a fragment would just
              scroll): the codes are not kept anywhere to be shown again. */}
          <a
            href="/portal/settings?codes=saved#authenticator-heading"
            className="mt-4 inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm sm:w-auto"
          >
            {m.codesSaved}
          </a>
        </div>
      ) : null}
      {view.allowed ? (
        <div>
          <h3 className="text-base font-semibold">{m.regenerateHeading}</h3>
          <p className="mb-3 mt-1 text-sm text-fg-muted">{m.regenerateIntro}</p>
          <form {...regenerate.formProps} className="space-y-4">
            <FormMessage message={regenerate.state.message} />
            <TextField
              label={m.codeLabel}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              required
              error={words(regenerate.errorFor('code'))}
            />
            <SecondaryButton type="submit" disabled={regenerate.pending} className="w-full sm:w-auto">
              {regenerate.pending ? m.regenerating : m.regenerate}
            </SecondaryButton>
          </form>
        </div>
      ) : null}
      <div>
        <h3 className="text-base font-semibold">{m.removeHeading}</h3>
        <p className="mb-3 mt-1 text-sm text-fg-muted">{m.removeIntro}</p>
        <form {...remove.formProps} className="space-y-4">
          <FormMessage message={remove.state.ok ? undefined : remove.state.message} />
          <TextField label={m.removePassword} name="password" type="password" autoComplete="current-password" error={words(remove.errorFor('password'))} />
          <TextField label={m.removeCode} name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} error={words(remove.errorFor('code'))} />
          <SecondaryButton type="submit" disabled={remove.pending} className="w-full sm:w-auto">
            {remove.pending ? m.removing : m.remove}
          </SecondaryButton>
        </form>
      </div>
    </div>
  );
}
