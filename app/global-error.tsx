'use client';

import './globals.css';
import { StatusPage } from '@/components/status-page';

/** When even the root layout fails: the same calm page, with its own document. */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans antialiased">
        <title>Something went wrong</title>
        <StatusPage
          code="Something went wrong"
          title="This page could not be shown"
          body="The problem is on our side and has been recorded. Your information is safe. Please try again in a moment."
        >
          <button type="button" onClick={reset} className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast">
            Try again
          </button>
        </StatusPage>
      </body>
    </html>
  );
}
