'use client';

import { useActionState, useId, useState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { interpolate, type Translate } from '@/lib/i18n/core';
import type { PasskeyMessages } from '@/lib/i18n/messages/passkeys';
import type { PasskeyFormState, PasskeyRow } from '@/lib/identity/passkeys/form-state';
import { PASSKEY_NAME_MAX } from '@/lib/identity/passkeys/limits';
import { useWebAuthnSupport } from './webauthn-support';

// Not part of the page's first load (the portal's 150 kB budget, docs/performance.md): the rename
// form's schema arrives once the page is interactive, the WebAuthn library and the add form's
// schema when "Add a passkey" is about to be pressed.
const loadNameSchema = () => import('@/lib/identity/passkeys/schemas').then((m) => m.passkeyNameFormSchema);
const loadAddTools = () => Promise.all([import('@/lib/identity/passkeys/schemas'), import('@simplewebauthn/browser')]);

export interface PasskeyActions {
  /** "Add a passkey": the options, then the new credential (called from this component). */
  options: FormAction<PasskeyFormState>;
  add: FormAction<PasskeyFormState>;
  rename: FormAction<PasskeyFormState>;
  remove: FormAction<PasskeyFormState>;
}

const summaryStyle =
  'inline-flex min-h-11 cursor-pointer list-none items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent [&::-webkit-details-marker]:hidden';

/**
 * A person's passkeys (portal settings, the staff's and operators' account pages): each with its
 * name, the address it works on, when it was added and last used; rename and remove (forms that
 * post without JavaScript), and "Add a passkey", which needs JavaScript and a browser with
 * WebAuthn (it says so otherwise). Messages are keys of the passkeys catalogue or sentences the
 * server already wrote in the reader's language.
 */
export function PasskeyManager({ rows, currentHost, canAdd, messages, actions }: {
  rows: PasskeyRow[];
  currentHost: string;
  canAdd: boolean;
  /** The reader's language's strings, `messagesFor(passkeys, locale)`: not both catalogues in the page's first load. */
  messages: PasskeyMessages;
  actions: PasskeyActions;
}) {
  const t: T = (key, vars) => interpolate(messages[key], vars);
  const say = (text: string | undefined) => (text && Object.hasOwn(messages, text) ? t(text as keyof PasskeyMessages) : text);
  const [removed, removeAction, removing] = useActionState<PasskeyFormState, FormData>(actions.remove, {});
  return (
    <div className="space-y-4">
      <FormMessage message={say(removed.message)} tone={removed.ok ? 'info' : 'error'} />
      {rows.length === 0 ? (
        <p className="text-sm text-fg-muted">{t('empty')}</p>
      ) : (
        <ul className="space-y-3">
          {rows.map((row) => (
            <li key={row.id} className="rounded-lg border border-line p-3">
              <p className="break-words font-medium">{row.name}</p>
              <dl className="mt-1 grid gap-x-4 gap-y-0.5 text-sm sm:grid-cols-[auto_1fr]">
                <dt className="text-fg-muted">{t('colHost')}</dt>
                <dd className="break-all">{row.host}</dd>
                <dt className="text-fg-muted">{t('colAdded')}</dt>
                <dd>{row.added}</dd>
                <dt className="text-fg-muted">{t('colLastUsed')}</dt>
                <dd>{row.lastUsed ?? t('never')}</dd>
              </dl>
              {row.host !== currentHost ? <p className="mt-1 text-sm text-fg-muted">{t('otherHost', { host: row.host })}</p> : null}
              <div className="mt-3 flex flex-wrap items-start gap-2">
                <RenameForm row={row} action={actions.rename} say={say} t={t} />
                <details>
                  <summary className={summaryStyle} aria-label={`${t('remove')}: ${row.name}`}>{t('remove')}</summary>
                  <form action={removeAction} className="mt-2 w-72 max-w-full space-y-2 rounded-lg border border-line bg-surface p-3">
                    <input type="hidden" name="passkeyId" value={row.id} />
                    <p className="text-sm">{t('removeConfirm', { name: row.name })}</p>
                    <SecondaryButton type="submit" disabled={removing} className="border-red-600 text-red-800 dark:text-red-300">
                      {removing ? t('removing') : t('removeButton')}
                    </SecondaryButton>
                  </form>
                </details>
              </div>
            </li>
          ))}
        </ul>
      )}
      {canAdd ? <AddPasskey actions={actions} say={say} t={t} /> : null}
    </div>
  );
}

type Say = (text: string | undefined) => string | undefined;
type T = Translate<PasskeyMessages>;

function RenameForm({ row, action, say, t }: { row: PasskeyRow; action: FormAction<PasskeyFormState>; say: Say; t: T }) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadNameSchema, action, { resetAfterSubmit: false });
  return (
    <details>
      <summary className={summaryStyle} aria-label={`${t('rename')}: ${row.name}`}>{t('rename')}</summary>
      <form {...formProps} className="mt-2 w-72 max-w-full space-y-2 rounded-lg border border-line bg-surface p-3">
        <input type="hidden" name="passkeyId" value={row.id} />
        <TextField name="name" defaultValue={row.name} label={t('renameLabel', { name: row.name })} maxLength={PASSKEY_NAME_MAX} required error={say(errorFor('name'))} />
        <SecondaryButton type="submit" disabled={pending}>{pending ? t('saving') : t('saveName')}</SecondaryButton>
        <FormMessage message={say(state.fieldErrors ? undefined : state.message)} tone={state.ok ? 'info' : 'error'} />
      </form>
    </details>
  );
}

/** Needs JavaScript: the browser makes the credential between two calls to the server. */
function AddPasskey({ actions, say, t }: { actions: PasskeyActions; say: Say; t: T }) {
  const nameId = useId();
  // Before hydration (or without JavaScript) the button stays disabled and the notice below says why.
  const support = useWebAuthnSupport();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; message?: string; nameError?: string }>({ ok: true });

  const warm = () => void loadAddTools().catch(() => undefined);

  const add = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const typed = String(new FormData(element).get('name') ?? '');
    setBusy(true);
    setAnswer({ ok: true });
    try {
      const [{ addPasskeySchema }, { startRegistration, WebAuthnError }] = await loadAddTools();
      const name = addPasskeySchema.shape.name.safeParse(typed);
      if (!name.success) {
        setAnswer({ ok: false, nameError: say(name.error.issues[0]?.message) });
        return;
      }
      const started = await actions.options({}, new FormData());
      if (!started.ok || !started.options) {
        setAnswer({ ok: false, message: say(started.message) ?? t('addFailed') });
        return;
      }
      let credential;
      try {
        credential = await startRegistration({ optionsJSON: started.options });
      } catch (error) {
        const duplicate = error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED';
        setAnswer({ ok: false, message: t(duplicate ? 'addDuplicate' : 'addCancelled') });
        return;
      }
      const post = new FormData();
      post.set('response', JSON.stringify(credential));
      post.set('name', typed);
      const added = await actions.add({}, post);
      setAnswer({ ok: Boolean(added.ok), message: say(added.message) ?? t('addFailed'), nameError: say(added.fieldErrors?.name) });
      // The action revalidates the page, so the new passkey shows in the list above.
      if (added.ok) element.reset();
    } catch {
      setAnswer({ ok: false, message: t('errGeneric') });
    } finally {
      setBusy(false);
    }
  };

  return (
    // Pointing at or tabbing into the form starts the download, so the button's press finds it here.
    <form onSubmit={add} onPointerEnter={warm} onFocus={warm} className="space-y-3 border-t border-line pt-4" noValidate aria-labelledby={`${nameId}-heading`}>
      <h3 id={`${nameId}-heading`} className="font-semibold">{t('addHeading')}</h3>
      <TextField label={t('nameLabel')} name="name" hint={t('nameHint')} maxLength={PASSKEY_NAME_MAX} autoComplete="off" error={answer.nameError} />
      <PrimaryButton type="submit" disabled={support !== 'yes' || busy} aria-busy={busy || undefined}>
        {busy ? t('adding') : t('addButton')}
      </PrimaryButton>
      {support === 'no' ? <p className="text-sm text-fg-muted">{t('unsupported')}</p> : null}
      <noscript><p className="text-sm text-fg-muted">{t('needsJavaScript')}</p></noscript>
      <FormMessage message={answer.message} tone={answer.ok ? 'info' : 'error'} />
    </form>
  );
}
