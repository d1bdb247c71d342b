'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { ModalDialog } from '@/components/ui/modal-dialog';
import { interpolate } from '@/lib/i18n/core';
import { draftKey, draftOf, snapshotPage } from './form-drafts';
import { formatCountdown, lastActivityFromServer, secondsUntilIdle } from './idle-timing';
import { KeptDraftRestorer } from './kept-draft-restorer';

export interface IdleWarningMessages {
  title: string;
  /** The countdown sentence: `{seconds}` (a number) and `{time}` ("1:59") are filled in. */
  body: string;
  /** The same at exactly one second, where a language needs the singular. */
  bodyOne?: string;
  stay: string;
}

/** The session's actions, handed down by the area's layout (server actions). */
export interface IdleActions {
  /** Seconds the server says are left; asking is not activity. */
  secondsLeft: () => Promise<number | { seconds?: number }>;
  /** Ends the session as idle and goes to sign-in; `path` is where to come back to. */
  signOut: (input: { path: string }) => Promise<unknown>;
  keepAlive: () => Promise<unknown>;
}

export interface IdleWarningProps {
  idleSeconds: number;
  warnSeconds: number;
  messages: IdleWarningMessages;
  actions: IdleActions;
  /**
   * Staff: keep what was typed in this page's forms if the limit signs them out, and put it back
   * after they sign in again here (components/auth/form-drafts.ts). Keyed by the staff member.
   */
  keepDraftsFor?: { staffId: string; restoredNotice: string; dismiss: string };
}

/**
 * Warns before the server's idle limit and then signs out. The server enforces the limit on its
 * own; this only makes it visible and lets the person stay. Before warning it asks the server how
 * long is really left, so activity this timer cannot see still counts.
 */
export function IdleWarning(props: IdleWarningProps) {
  const path = usePathname();
  // Every navigation reaches the server, which counts as activity: start the timer afresh.
  return (
    <>
      <IdleTimer key={path} path={path} {...props} />
      {props.keepDraftsFor ? <KeptDraftRestorer key={`restore:${path}`} path={path} {...props.keepDraftsFor} /> : null}
    </>
  );
}

function keepDraft(staffId: string, path: string) {
  try {
    const draft = draftOf(snapshotPage(document), Date.now());
    if (draft) sessionStorage.setItem(draftKey(staffId, path), JSON.stringify(draft));
  } catch {
    // Storage full or blocked: signing out matters more than the draft.
  }
}

function forgetDraft(staffId: string, path: string) {
  try {
    sessionStorage.removeItem(draftKey(staffId, path));
  } catch {
    // Nothing could have been kept.
  }
}

function IdleTimer({ idleSeconds, warnSeconds, messages, actions, keepDraftsFor, path }: IdleWarningProps & { path: string }) {
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [, startTransition] = useTransition();
  // Its own transition: the server check that opens the dialog must not leave its button disabled
  // (a disabled button cannot take the focus the dialog gives when it opens).
  const [staying, startStaying] = useTransition();

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // Set once the server has confirmed the session really is about to run out.
  const [confirmed, setConfirmed] = useState(false);

  const remaining = secondsUntilIdle(lastActivity, idleSeconds, now);
  const due = remaining <= warnSeconds;
  useEffect(() => {
    if (!due || confirmed) return;
    // Kept before asking: if the server already ended the session, the answer is a redirect to
    // sign-in, and what was typed must not go with the page.
    if (keepDraftsFor) keepDraft(keepDraftsFor.staffId, path);
    // Sending a message or saving a form on this page (or using another tab) is activity the
    // server saw but this timer did not: ask before warning, and catch up if there is time left.
    startTransition(async () => {
      // If the server cannot be asked (offline), warn as before: the server decides anyway.
      const answer = await actions.secondsLeft().catch(() => null);
      if (answer === null) {
        setConfirmed(true);
        return;
      }
      const left = typeof answer === 'number' ? answer : (answer.seconds ?? 0);
      if (left > warnSeconds && keepDraftsFor) forgetDraft(keepDraftsFor.staffId, path);
      // The server's count wins either way (it skips recording activity seen in the last few
      // seconds), so the countdown shows the time really left.
      setLastActivity(lastActivityFromServer(left, idleSeconds, Date.now()));
      if (left <= warnSeconds) setConfirmed(true);
    });
  }, [due, confirmed, idleSeconds, warnSeconds, actions, keepDraftsFor, path]);
  useEffect(() => {
    if (!confirmed || remaining > 0) return;
    if (keepDraftsFor) keepDraft(keepDraftsFor.staffId, path);
    startTransition(async () => { await actions.signOut({ path }); });
  }, [confirmed, remaining, actions, keepDraftsFor, path]);

  const stay = () =>
    startStaying(async () => {
      await actions.keepAlive();
      if (keepDraftsFor) forgetDraft(keepDraftsFor.staffId, path);
      setLastActivity(Date.now());
      setConfirmed(false);
    });

  const open = due && confirmed;
  const seconds = Math.max(0, remaining);
  return (
    <ModalDialog open={open} onCancel={stay} role="alertdialog" labelledBy="idle-title" describedBy="idle-body">
      <h2 id="idle-title" className="text-lg font-semibold">{messages.title}</h2>
      <p id="idle-body" className="mt-2 text-sm text-fg-muted" aria-live="polite">
        {seconds === 1 && messages.bodyOne ? messages.bodyOne : interpolate(messages.body, { seconds, time: formatCountdown(seconds) })}
      </p>
      <button
        type="button"
        disabled={staying}
        onClick={stay}
        className="mt-4 inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast"
      >
        {messages.stay}
      </button>
    </ModalDialog>
  );
}
