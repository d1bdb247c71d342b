'use client';

import { useActionState, useState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * CRM → Billing, Stripe connection: "Connect Stripe" (or "Continue Stripe setup" once the clinic
 * has an account), which sends the admin to Stripe's onboarding, and "Check status again". Two
 * plain one-button forms: without JavaScript the first is answered with a redirect to Stripe and
 * the second with this page and Stripe's answer.
 */
export function StripeConnectionForms({ connect, refresh, hasAccount, chargesEnabled }: {
  connect: FormAction;
  refresh: FormAction;
  hasAccount: boolean;
  chargesEnabled: boolean;
}) {
  const [connectState, connectAction, connecting] = useActionState(connect, {} as ActionState);
  const [refreshState, refreshAction, refreshing] = useActionState(refresh, {} as ActionState);
  // The answer of the button pressed last (without JavaScript only one of them has one).
  const [last, setLast] = useState<'connect' | 'refresh'>('connect');
  const shown = last === 'refresh' ? refreshState : connectState;
  const busy = connecting || refreshing;
  // Once Stripe takes the account's charges, setting it up again is the lesser button.
  const ConnectButton = chargesEnabled ? SecondaryButton : PrimaryButton;

  return (
    <div className="mt-4 space-y-3" data-testid="stripe-connection-actions">
      <FormMessage message={shown.message} tone={shown.ok ? 'info' : 'error'} />
      <div className="flex flex-wrap gap-2">
        <form action={connectAction} onSubmit={() => setLast('connect')}>
          <ConnectButton type="submit" disabled={busy} data-testid="stripe-connect">
            {connecting ? 'Opening Stripe…' : hasAccount ? 'Continue Stripe setup' : 'Connect Stripe'}
          </ConnectButton>
        </form>
        {hasAccount ? (
          <form action={refreshAction} onSubmit={() => setLast('refresh')}>
            <SecondaryButton type="submit" disabled={busy} data-testid="stripe-refresh">
              {refreshing ? 'Asking Stripe…' : 'Check status again'}
            </SecondaryButton>
          </form>
        ) : null}
      </div>
      <p className="text-sm text-fg-muted">
        {hasAccount
          ? 'Stripe asks for the clinic’s business and bank details and may take a day to review them. Stripe tells Carebridge when it enables card payments; “Check status again” asks it now.'
          : 'Stripe opens in this tab to create the clinic’s account and ask for its business and bank details, then sends you back here.'}
      </p>
    </div>
  );
}
