'use client';

import { StatusPage } from '@/components/status-page';

/**
 * Any page that fails while rendering (the database went away mid-request, a bug): a calm page
 * and a retry instead of Next's default. The server logged the error; nothing about it is shown.
 */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <StatusPage
      code="Something went wrong"
      title="This page could not be shown"
      body="The problem is on our side and has been recorded. Your information is safe. Please try again in a moment."
    >
      <button
        type="button"
        onClick={reset}
        className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast"
      >
        Try again
      </button>
    </StatusPage>
  );
}
