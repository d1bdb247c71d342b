'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { interpolate } from '@/lib/i18n/core';
import type { CommonMessages } from '@/lib/i18n/messages/common';

type IdleMessages = Pick<CommonMessages, 'idleTitle' | 'idleBody' | 'idleBodyOne' | 'staySignedIn'>;

/** The portal's session actions, handed down by the layout. */
export interface IdleActions {
  secondsLeft: () => Promise<number>;
  signOut: () => Promise<unknown>;
  keepAlive: () => Promise<unknown>;
}

/**
 * Warns a minute before the server's idle limit and then signs out. The server enforces the
 * limit on its own; this only makes it visible and lets the person stay. Before warning it asks
 * the server how long is really left, so activity this timer cannot see still counts.
 */
export function PortalIdleWarning(props: { idleSeconds: number; warnSeconds: number; messages: IdleMessages; actions: IdleActions }) {
  // Every navigation reaches the server, which counts as activity: start the timer afresh.
  return <IdleTimer key={usePathname()} {...props} />;
}

function IdleTimer({ idleSeconds, warnSeconds, messages, actions }: { idleSeconds: number; warnSeconds: number; messages: IdleMessages; actions: IdleActions }) {
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // Set once the server has confirmed the session really is about to run out.
  const [confirmed, setConfirmed] = useState(false);

  const remaining = Math.ceil((lastActivity + idleSeconds * 1000 - now) / 1000);
  const due = remaining <= warnSeconds;
  useEffect(() => {
    if (!due || confirmed) return;
    // Sending a message or saving a form on this page (or using another tab) is activity the
    // server saw but this timer did not: ask before warning, and catch up if there is time left.
    startTransition(async () => {
      // If the server cannot be asked (offline), warn as before: the server decides anyway.
      const left = await actions.secondsLeft().catch(() => 0);
      if (left > warnSeconds) setLastActivity(Date.now() - (idleSeconds - left) * 1000);
      else setConfirmed(true);
    });
  }, [due, confirmed, idleSeconds, warnSeconds, actions]);
  useEffect(() => {
    if (confirmed && remaining <= 0) startTransition(async () => { await actions.signOut(); });
  }, [confirmed, remaining, actions]);

  if (!due || !confirmed) return null;
  const seconds = Math.max(0, remaining);
  return (
    <div role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-body" className="fixed inset-0 z-50 grid place-items-center bg-black/50 p-4">
      <div className="w-full max-w-sm rounded-2xl bg-surface p-6 text-fg shadow-xl">
        <h2 id="idle-title" className="text-lg font-semibold">{messages.idleTitle}</h2>
        <p id="idle-body" className="mt-2 text-sm text-fg-muted" aria-live="polite">
          {seconds === 1 ? messages.idleBodyOne : interpolate(messages.idleBody, { seconds })}
        </p>
        <button
          type="button"
          autoFocus
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              await actions.keepAlive();
              setLastActivity(Date.now());
              setConfirmed(false);
            })
          }
          className="mt-4 inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast"
        >
          {messages.staySignedIn}
        </button>
      </div>
    </div>
  );
}
