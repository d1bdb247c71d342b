'use client';

import { lazy, Suspense, useSyncExternalStore } from 'react';
import type { StripeCardFormProps } from './stripe-card-form';

// A separate chunk, fetched only where a page renders this: Stripe's code stays out of every
// portal page's first load (docs/performance.md, 150 kB).
const StripeCardForm = lazy(() => import('./stripe-card-form').then((m) => ({ default: m.StripeCardForm })));

const subscribe = () => () => {};

/** Stripe's card form, loaded in the browser (it cannot render on the server); says so while it loads. */
export function StripeCardLoader({ loadingText, noScriptText, ...props }: StripeCardFormProps & { loadingText: string; noScriptText: string }) {
  // False on the server and while hydrating, true in the browser after: Stripe.js runs in the browser only.
  const mounted = useSyncExternalStore(subscribe, () => true, () => false);
  const loading = <p role="status" className="rounded-lg border border-line bg-surface p-4 text-fg-muted">{loadingText}</p>;
  return (
    <>
      <noscript>
        <p className="rounded-lg border border-line bg-surface p-4">{noScriptText}</p>
      </noscript>
      {mounted ? <Suspense fallback={loading}><StripeCardForm {...props} /></Suspense> : loading}
    </>
  );
}
