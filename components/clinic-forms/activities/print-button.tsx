'use client';

import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * Opens the browser's print dialog. Shown only once the page is interactive: without JavaScript
 * the button could do nothing (the browser's own Print still uses the page's print styles).
 */
export function PrintButton({ label }: { label: string }) {
  const interactive = useSyncExternalStore(noSubscription, () => true, () => false);
  if (!interactive) return null;
  return (
    <button
      type="button"
      onClick={() => window.print()}
      className="inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 text-base font-medium text-fg hover:bg-surface-muted print:hidden"
    >
      {label}
    </button>
  );
}
