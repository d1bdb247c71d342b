'use client';

import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { useRef, useState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import { useWebAuthnSupport } from './webauthn-support';

// The WebAuthn library is not part of the sign-in page's first load: it is fetched as the person
// points at or tabs to the button, and awaited (already there, as a rule) when it is pressed.
const loadWebAuthn = () => import('@simplewebauthn/browser');
const warm = () => void loadWebAuthn().catch(() => undefined);

export interface PasskeyButtonLabels {
  use: string;
  waiting: string;
  /** The person closed the browser's dialog, or it timed out. */
  cancelled: string;
  unsupported: string;
  needsJavaScript: string;
}

/**
 * "Use my passkey" at a sign-in step: asks the browser for an assertion with the options the
 * server gave this attempt, then posts it (`intent=passkey`, `response`) to the step's action
 * like any other button. Without JavaScript, or in a browser without WebAuthn, the button cannot
 * work: it stays disabled and a sentence says to use the other way, which the page keeps in view.
 */
export function PasskeySignInButton({ action, options, labels, pending, hidden, className = 'w-full', buttonClassName }: {
  action: (form: FormData) => void;
  options: PublicKeyCredentialRequestOptionsJSON;
  labels: PasskeyButtonLabels;
  pending: boolean;
  /** Other fields every post of this form carries (the staff area, where to go next). */
  hidden?: Record<string, string | undefined>;
  className?: string;
  /** A button of the page's own style (the console) instead of the clinic's primary button. */
  buttonClassName?: string;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const responseRef = useRef<HTMLInputElement>(null);
  const support = useWebAuthnSupport();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const ask = async () => {
    setProblem(undefined);
    setAsking(true);
    try {
      const { startAuthentication } = await loadWebAuthn();
      const assertion = await startAuthentication({ optionsJSON: options });
      responseRef.current!.value = JSON.stringify(assertion);
      formRef.current!.requestSubmit();
    } catch {
      setProblem(labels.cancelled);
    } finally {
      setAsking(false);
    }
  };

  const button = { onClick: ask, onPointerEnter: warm, onFocus: warm, disabled: support !== 'yes' || asking || pending, 'aria-busy': asking || undefined };
  const text = asking || pending ? labels.waiting : labels.use;
  return (
    <form ref={formRef} action={action} className="space-y-2">
      <input type="hidden" name="intent" value="passkey" />
      {Object.entries(hidden ?? {}).map(([name, value]) => (value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />))}
      <input ref={responseRef} type="hidden" name="response" defaultValue="" />
      {buttonClassName ? (
        <button type="button" {...button} className={buttonClassName}>{text}</button>
      ) : (
        <PrimaryButton type="button" {...button} className={className}>{text}</PrimaryButton>
      )}
      {support === 'no' ? <p className="text-sm text-fg-muted">{labels.unsupported}</p> : null}
      <noscript><p className="text-sm text-fg-muted">{labels.needsJavaScript}</p></noscript>
      <FormMessage message={problem} />
    </form>
  );
}
