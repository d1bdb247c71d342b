'use client';

import { unstable_rethrow } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import type { ActionState } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { InboxMessages } from '@/lib/i18n/messages/inbox';
import type { DisplayMessage } from '@/lib/conversations/display-message';

const buttonClass = 'inline-flex min-h-11 items-center justify-center rounded-lg px-3 py-2 text-sm font-medium';

/**
 * One message. The author's own message offers "Delete" while the server's 5-minute window is
 * open (the server decides; the button only disappears on time), with a confirm step.
 */
/** The author's "Delete" (the page's action, a JSON call). */
export type DeleteMessage = (input: { messageId: string }) => Promise<ActionState>;

export function MessageItem({ message, messages: m, onDelete, onDeleted }: {
  message: DisplayMessage;
  messages: InboxMessages;
  onDelete: DeleteMessage;
  onDeleted: (id: string, notice: string) => void;
}) {
  const id = useId();
  const articleRef = useRef<HTMLElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const [canDelete, setCanDelete] = useState(message.deletableForMs !== null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (message.deletableForMs === null) return;
    const timer = setTimeout(() => setCanDelete(false), message.deletableForMs);
    return () => clearTimeout(timer);
  }, [message.deletableForMs]);

  useEffect(() => {
    if (confirming) keepRef.current?.focus();
  }, [confirming]);

  function cancel() {
    setConfirming(false);
    // The button comes back after the confirm step; put focus on it again.
    requestAnimationFrame(() => deleteRef.current?.focus());
  }

  function confirmDelete() {
    startTransition(async () => {
      const result = await onDelete({ messageId: message.id }).catch((error: unknown): ActionState => {
        unstable_rethrow(error);
        return { ok: false, message: m.deleteFailed };
      });
      if (result.ok) {
        setConfirming(false);
        setCanDelete(false);
        onDeleted(message.id, result.message ?? m.deleteDone);
        // The buttons are gone: keep focus in the same place rather than at the page's start.
        articleRef.current?.focus();
      } else {
        setError(result.message ?? m.deleteFailed);
        setConfirming(false);
        setCanDelete(false);
        articleRef.current?.focus();
      }
    });
  }

  const own = message.mine;
  const showDelete = own && canDelete && !message.deleted;
  return (
    <article
      ref={articleRef}
      tabIndex={-1}
      aria-labelledby={`${id}-sender ${id}-time`}
      className={`rounded-2xl border p-4 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent ${own ? 'ml-6 border-line bg-brand-soft sm:ml-16' : 'mr-6 border-line bg-surface sm:mr-16'}`}
    >
      <header className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <p className="text-sm">
          <span id={`${id}-sender`} className="font-semibold">{message.sender}</span>
          {message.onBehalfOf ? <span className="text-fg-muted"> · {message.onBehalfOf}</span> : null}
        </p>
        <time id={`${id}-time`} dateTime={message.createdAt} className="text-sm text-fg-muted">{message.timeLabel}</time>
      </header>
      {message.deleted ? (
        <p className="mt-2 italic text-fg-muted">{m.messageDeleted}</p>
      ) : (
        <p className="mt-2 whitespace-pre-wrap break-words">{message.body}</p>
      )}
      {message.readState ? <p className="mt-1 text-right text-sm text-fg-muted">{message.readState}</p> : null}
      {message.attachments.length > 0 ? (
        <div className="mt-3">
          <h3 className="sr-only">{m.attachmentsHeading}</h3>
          <ul className="flex flex-wrap gap-2">
            {message.attachments.map((a) => (
              <li key={a.id}>
                <a
                  href={`/api/messages/attachments/${encodeURIComponent(a.id)}`}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={interpolate(m.attachmentLinkLabel, { name: a.name, size: a.sizeLabel })}
                  className={`${buttonClass} max-w-full border border-line bg-surface text-fg underline-offset-2 hover:underline`}
                >
                  <span className="truncate">{a.name}</span>
                  <span className="ml-1 shrink-0 text-fg-muted">({a.sizeLabel})</span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {showDelete && !confirming ? (
        <div className="mt-2 flex justify-end">
          <button
            ref={deleteRef}
            type="button"
            onClick={() => setConfirming(true)}
            aria-label={interpolate(m.deleteButtonLabel, { time: message.timeLabel })}
            className={`${buttonClass} border border-line bg-surface text-red-800 hover:bg-surface-muted dark:text-red-300`}
          >
            {m.deleteButton}
          </button>
        </div>
      ) : null}
      {showDelete && confirming ? (
        <div role="group" aria-labelledby={`${id}-confirm`} className="mt-3 rounded-lg border border-line bg-surface p-3">
          <p id={`${id}-confirm`} className="text-sm">{m.deleteConfirm}</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button type="button" onClick={confirmDelete} disabled={pending} className={`${buttonClass} bg-red-700 text-white hover:bg-red-800 disabled:opacity-60`}>
              {m.deleteYes}
            </button>
            <button ref={keepRef} type="button" onClick={cancel} disabled={pending} className={`${buttonClass} border border-line bg-surface hover:bg-surface-muted`}>
              {m.deleteNo}
            </button>
          </div>
        </div>
      ) : null}
      {error ? <p role="alert" className="mt-2 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
    </article>
  );
}
