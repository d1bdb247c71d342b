'use client';

import { loadStripe, type Stripe, type StripeElements, type StripeElementsOptionsMode } from '@stripe/stripe-js';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { PrimaryButton } from '@/components/ui/form-controls';
import type { TokenCallResult } from '@/lib/billing/portal-forms';
import { ErrorSummary } from './error-summary';

/**
 * Stripe's Payment Element in deferred-intent mode (issue 16: "3-D Secure handled with Stripe's
 * Payment Element in the portal"): the card is typed into Stripe's own frame, never this page;
 * on submit the element makes a PaymentMethod, whose id is sent to the server action as the
 * token (the payment or the card setup is created and confirmed there, on the clinic's connected
 * account). When the bank wants its check, Stripe.js shows it (handleNextAction with the client
 * secret) and the page asks the server where the payment stands. Loaded only on the pages that
 * take a card, through stripe-card-loader.tsx (a dynamic import: Stripe's code is not part of any
 * page's first load). Needs JavaScript, as Stripe does. The element is mounted with Stripe.js's
 * own calls, not @stripe/react-stripe-js: that wrapper is most of what this chunk would weigh, and
 * the page counts it in its first load (the chunk is fetched as soon as the page is interactive).
 */

export interface StripeCardFormProps {
  mode: 'payment' | 'setup';
  publishableKey: string;
  /** The clinic's connected account: the PaymentMethod is made there, as the payment will be. */
  stripeAccount: string | null;
  /** Minor units, for mode 'payment'. */
  amount?: number;
  currency: string;
  locale: 'en' | 'es';
  attemptKey: string;
  /** The server action (portalCall) that pays or saves with the token. */
  submit: (input: unknown) => Promise<TokenCallResult>;
  /** After Stripe's bank check of a payment or a card being saved: where it stands now. */
  refresh?: (input: unknown) => Promise<TokenCallResult>;
  messages: { submit: string; working: string; errorSummary: string; bankCheck: string; unavailable: string; errors: Record<string, string> };
  /** Fields of the form besides the card (the invoices, the authorisation), posted with the token. */
  children?: React.ReactNode;
}

const loaded = new Map<string, Promise<Stripe | null>>();
function stripeFor(key: string, account: string | null): Promise<Stripe | null> {
  const id = `${key}:${account ?? ''}`;
  let stripe = loaded.get(id);
  if (!stripe) {
    stripe = loadStripe(key, account ? { stripeAccount: account } : undefined);
    loaded.set(id, stripe);
  }
  return stripe;
}

function elementsOptions({ mode, amount, currency, locale }: StripeCardFormProps): StripeElementsOptionsMode {
  return mode === 'payment'
    ? { mode: 'payment', amount: amount ?? 0, currency: currency.toLowerCase(), paymentMethodCreation: 'manual', locale }
    : { mode: 'setup', currency: currency.toLowerCase(), paymentMethodCreation: 'manual', locale };
}

/**
 * Stripe.js and its Elements for this form, with the Payment Element mounted in `host`; null until
 * Stripe.js has loaded (the button waits). Options that change later (the amount after the invoices
 * chosen change) update the same element, as the React wrapper did.
 */
function useStripeElements(props: StripeCardFormProps, host: React.RefObject<HTMLDivElement | null>) {
  const [ready, setReady] = useState<{ stripe: Stripe; elements: StripeElements } | null>(null);
  const { publishableKey, stripeAccount, mode, currency, locale } = props;
  const amount = mode === 'payment' ? (props.amount ?? 0) : undefined;
  const optionsKey = `${mode} ${amount} ${currency} ${locale}`;
  // The element is made with the first render's options; a later change is an update of it.
  const [initial] = useState(() => ({ options: elementsOptions(props), key: optionsKey }));
  const applied = useRef(initial.key);
  useEffect(() => {
    let live = true;
    let unmount: (() => void) | undefined;
    // A failed load leaves the button disabled, as the React wrapper did.
    stripeFor(publishableKey, stripeAccount).then((stripe) => {
      if (!live || !stripe || !host.current) return;
      const elements = stripe.elements(initial.options);
      applied.current = initial.key;
      const element = elements.create('payment', { layout: 'tabs' });
      element.mount(host.current);
      unmount = () => element.destroy();
      setReady({ stripe, elements });
    }, () => undefined);
    return () => {
      live = false;
      unmount?.();
      setReady(null);
    };
  }, [publishableKey, stripeAccount, host, initial]);
  useEffect(() => {
    if (!ready || optionsKey === applied.current) return;
    applied.current = optionsKey;
    void ready.elements.update({ mode, currency: currency.toLowerCase(), locale, ...(amount === undefined ? {} : { amount }) });
  }, [ready, optionsKey, mode, amount, currency, locale]);
  return ready;
}

/** The form's fields as the server action's JSON input: a name posted several times is a list. */
function fieldsOf(form: HTMLFormElement): Record<string, string | string[]> {
  const data = new FormData(form);
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(data.keys())) {
    const all = data.getAll(name).filter((v): v is string => typeof v === 'string');
    out[name] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

export function StripeCardForm(props: StripeCardFormProps) {
  const { mode, attemptKey, submit, refresh, messages, children } = props;
  const host = useRef<HTMLDivElement>(null);
  const { stripe, elements } = useStripeElements(props, host) ?? {};
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [answer, setAnswer] = useState<{ message?: string; fieldErrors?: Record<string, string> }>({});
  const [key, setKey] = useState(attemptKey);

  const refuse = (message?: string, fieldErrors?: Record<string, string>) => {
    setAnswer({ message: message ?? messages.unavailable, fieldErrors });
    setStatus(undefined);
    setBusy(false);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!stripe || !elements || !form.current || busy) return;
    setBusy(true);
    setAnswer({});
    try {
      // Stripe checks its own fields and shows their errors inside the element.
      const checked = await elements.submit();
      if (checked.error) return refuse(checked.error.message);
      const made = await stripe.createPaymentMethod({ elements });
      if (made.error || !made.paymentMethod) return refuse(made.error?.message);
      const fields = fieldsOf(form.current);
      let result = await submit({ ...fields, attemptKey: key, token: made.paymentMethod.id });
      if (result.ok && result.status === 'requires_action') {
        setStatus(messages.bankCheck);
        await stripe.handleNextAction({ clientSecret: result.clientSecret });
        // Whatever the check's outcome, the server asks Stripe: the browser's word is not proof.
        if (mode === 'payment' && refresh && result.paymentId) result = await refresh({ paymentId: result.paymentId });
        // A card saved after the check: its page asks for the authorisation the patient ticked.
        else if (mode === 'setup' && refresh && result.setupId) result = await refresh({ setupId: result.setupId, ...(fields.authorize === 'yes' ? { authorize: '1' } : {}) });
      }
      if (result.ok) {
        router.push(result.next);
        return;
      }
      if (result.attemptKey) setKey(result.attemptKey);
      const fieldErrors = result.fieldErrors
        ? Object.fromEntries(Object.entries(result.fieldErrors).map(([k, v]) => [k, messages.errors[v] ?? v]))
        : undefined;
      refuse(result.message, fieldErrors);
    } catch {
      refuse();
    }
  };

  const errors = Object.entries(answer.fieldErrors ?? {}).map(([name, message]) => ({ id: `stripe-${name}`, message }));
  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4" data-testid={mode === 'payment' ? 'pay-form' : 'save-card-form'}>
      <ErrorSummary title={messages.errorSummary} message={answer.message} errors={errors} answer={answer} />
      {children}
      <div className="rounded-xl border border-line bg-surface p-4 sm:p-5">
        <div ref={host} />
      </div>
      {status ? <p role="status" className="text-sm text-fg-muted">{status}</p> : null}
      <PrimaryButton type="submit" disabled={busy || !stripe || !elements} className="w-full sm:w-auto" data-testid={mode === 'payment' ? 'pay-submit' : 'save-card-submit'}>
        {busy ? messages.working : messages.submit}
      </PrimaryButton>
    </form>
  );
}
