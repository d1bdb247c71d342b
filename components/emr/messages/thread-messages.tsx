'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState } from 'react';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { ThreadItem, ThreadPollResponse } from '@/lib/conversations/staff-display';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';
import { formatBytes } from '@/lib/documents/file-rules';

const POLL_MS = 5000;
const KIND: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };

/** By id; a deletion wins whichever side saw it first, since a deleted message never comes back. */
function merge(base: ThreadItem[], extra: ThreadItem[]): ThreadItem[] {
  const byId = new Map(base.map((m) => [m.id, m]));
  for (const m of extra) {
    const known = byId.get(m.id);
    if (!known || (m.deleted && !known.deleted)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function senderLabel(m: ThreadItem): string {
  const who = m.onBehalfOf ? `${m.senderName} (${m.onBehalfOf})` : m.senderName;
  return m.mine ? `${who} (you)` : who;
}

/**
 * The messages of one thread. New ones arrive by polling the route every few seconds while the
 * tab is visible (stateless, so it works on serverless hosts); arrivals are announced politely.
 */
export function ThreadMessages({
  conversationId,
  initial,
  status,
  canDelete,
  deleteAction,
}: {
  conversationId: string;
  initial: ThreadItem[];
  status: 'open' | 'closed';
  canDelete: boolean;
  deleteAction: FormAction<MessageFormState>;
}) {
  const router = useRouter();
  const [polled, setPolled] = useState<ThreadItem[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [stopped, setStopped] = useState<string | null>(null);
  const messages = merge(initial, polled);
  const newest = messages.at(-1)?.createdAt ?? null;
  // The poller reads these between renders; the effect below keeps them current.
  const lastIso = useRef<string | null>(newest);
  // The poll also returns messages deleted since the cursor; once seen, move past them.
  const floor = useRef<string | null>(null);
  const statusRef = useRef(status);
  useEffect(() => {
    lastIso.current = newest;
    statusRef.current = status;
  }, [newest, status]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = true;
    async function tick() {
      timer = undefined;
      if (document.visibilityState === 'visible') {
        try {
          const cursor = [lastIso.current, floor.current].filter((v): v is string => v !== null).sort().at(-1);
          const query = cursor ? `?${new URLSearchParams({ after: cursor })}` : '';
          const response = await fetch(`/api/emr/messages/${conversationId}/poll${query}`, { cache: 'no-store', headers: { accept: 'application/json' } });
          if (response.status === 401) {
            setStopped('Your session has ended, so new messages are no longer checked. Sign in again to continue.');
            active = false;
          } else if (response.status === 403 || response.status === 404) {
            setStopped('This conversation is no longer available to you; new messages are not checked.');
            active = false;
          } else if (response.ok) {
            const data = (await response.json()) as ThreadPollResponse;
            const incoming = data.messages.filter((m) => !m.mine && !m.deleted);
            if (data.messages.length > 0 && data.messages.every((m) => m.deleted)) floor.current = data.asOf;
            if (data.messages.length > 0) setPolled((current) => merge(current, data.messages));
            if (incoming.length > 0) {
              const from = [...new Set(incoming.map(senderLabel))].join(', ');
              setAnnouncement(incoming.length === 1 ? `New message from ${from}.` : `${incoming.length} new messages from ${from}.`);
            }
            if (data.status !== statusRef.current) {
              setAnnouncement(data.status === 'closed' ? 'This conversation has been closed.' : 'This conversation has been reopened.');
              router.refresh();
            }
          }
        } catch {
          // A dropped connection: try again on the next tick.
        }
      }
      if (active) timer = setTimeout(tick, POLL_MS);
    }
    function onVisibility() {
      // Back on the tab: check at once rather than waiting for the next tick.
      if (document.visibilityState === 'visible' && active && timer) {
        clearTimeout(timer);
        void tick();
      }
    }
    timer = setTimeout(tick, POLL_MS);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [conversationId, router]);

  return (
    <div>
      <ol className="space-y-3" aria-label="Messages, oldest first">
        {messages.map((m) => (
          <li key={m.id}>
            <article
              aria-label={`${senderLabel(m)}, ${m.when}`}
              className={`rounded-xl border p-4 ${m.senderKind === 'staff' ? 'border-line bg-surface md:ml-12' : 'border-brand-accent/40 bg-brand-soft md:mr-12'}`}
            >
              <header className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 text-sm">
                <p>
                  <span className="font-semibold">{senderLabel(m)}</span>
                  <span className="text-fg-muted"> · {m.senderKind === 'staff' ? 'Clinic staff' : 'Patient side'}</span>
                </p>
                <p className="text-fg-muted"><time dateTime={m.createdAt}>{m.when}</time></p>
              </header>
              {m.deleted ? (
                <p className="mt-2 italic text-fg-muted">Message deleted</p>
              ) : (
                <>
                  {m.body ? <p className="mt-2 whitespace-pre-wrap break-words">{m.body}</p> : null}
                  {m.attachments.length > 0 ? (
                    <ul className="mt-3 flex flex-wrap gap-2" aria-label="Attachments">
                      {m.attachments.map((a) => (
                        <li key={a.id}>
                          <a
                            href={`/api/messages/attachments/${a.id}`}
                            className="inline-flex min-h-11 items-center gap-2 rounded-lg border border-line bg-surface px-3 text-sm link hover:bg-surface-muted"
                          >
                            {a.name}
                            <span className="text-xs text-fg-muted no-underline">{KIND[a.contentType] ?? 'File'}, {formatBytes(a.sizeBytes)}</span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {canDelete && m.mine && m.deletable ? <DeleteMessage conversationId={conversationId} messageId={m.id} action={deleteAction} /> : null}
                </>
              )}
            </article>
          </li>
        ))}
      </ol>
      <p aria-live="polite" className="sr-only">{announcement}</p>
      {stopped ? <p role="status" className="mt-3 rounded-lg border border-line bg-surface-muted px-3 py-2 text-sm">{stopped}</p> : null}
    </div>
  );
}

/** Own messages only, within five minutes; a disclosure asks for confirmation first. */
function DeleteMessage({ conversationId, messageId, action: remove }: { conversationId: string; messageId: string; action: FormAction<MessageFormState> }) {
  const [state, action, pending] = useActionState<MessageFormState, FormData>(remove, {});
  return (
    <details className="mt-3">
      <summary className="inline-flex min-h-11 cursor-pointer list-none items-center rounded-lg border border-line px-3 text-sm font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent [&::-webkit-details-marker]:hidden">
        Delete…
      </summary>
      <form action={action} className="mt-2 max-w-md space-y-2 rounded-lg border border-line bg-surface p-3">
        <input type="hidden" name="conversationId" value={conversationId} />
        <input type="hidden" name="messageId" value={messageId} />
        <p className="text-sm">Everyone will see “Message deleted” instead of the text and attachments. The deletion is recorded. This can’t be undone.</p>
        <SecondaryButton type="submit" disabled={pending} className="border-red-600 text-red-800 dark:text-red-300">
          {pending ? 'Deleting…' : 'Delete this message'}
        </SecondaryButton>
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </form>
    </details>
  );
}
