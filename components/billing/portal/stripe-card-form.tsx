'use client';

import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe, type Stripe, type StripeElementsOptions } from '@stripe/stripe-js';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState, type FormEvent } from 'react';
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
 * page's first load). Needs JavaScript, as Stripe does.
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

export function StripeCardForm(props: StripeCardFormProps) {
  const stripe = useMemo(() => stripeFor(props.publishableKey, props.stripeAccount), [props.publishableKey, props.stripeAccount]);
  const currency = props.currency.toLowerCase();
  const options: StripeElementsOptions = props.mode === 'payment'
    ? { mode: 'payment', amount: props.amount ?? 0, currency, paymentMethodCreation: 'manual', locale: props.locale }
    : { mode: 'setup', currency, paymentMethodCreation: 'manual', locale: props.locale };
  return (
    <Elements stripe={stripe} options={options}>
      <CardForm {...props} />
    </Elements>
  );
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

function CardForm({ mode, attemptKey, submit, refresh, messages, children }: StripeCardFormProps) {
  const stripe = useStripe();
  const elements = useElements();
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
        <PaymentElement options={{ layout: 'tabs' }} />
      </div>
      {status ? <p role="status" className="text-sm text-fg-muted">{status}</p> : null}
      <PrimaryButton type="submit" disabled={busy || !stripe || !elements} className="w-full sm:w-auto" data-testid={mode === 'payment' ? 'pay-submit' : 'save-card-submit'}>
        {busy ? messages.working : messages.submit}
      </PrimaryButton>
    </form>
  );
}
