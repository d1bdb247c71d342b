'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { interpolate } from '@/lib/i18n/core';
import type { InboxMessages } from '@/lib/i18n/messages/inbox';
import type { DisplayMessage, PollResponse } from '@/lib/conversations/display-message';
import type { FormAction } from '@/lib/actions/result';
import type { InboxFormState } from '@/lib/conversations/attachment-rules';
import { MessageItem, type DeleteMessage } from './message-item';
import { ReplyForm } from './reply-form';

const POLL_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * The server's render and the polls' copies by id. Deleting only ever goes one way, so a deleted
 * copy wins; otherwise the render does (after a refresh it is the fresher one).
 */
function mergeMessages(server: DisplayMessage[], polled: ReadonlyMap<string, DisplayMessage>, deleted: ReadonlySet<string>): DisplayMessage[] {
  const byId = new Map(polled);
  for (const msg of server) {
    const other = byId.get(msg.id);
    if (!other?.deleted || msg.deleted) byId.set(msg.id, msg);
  }
  return [...byId.values()]
    .map((msg) => (deleted.has(msg.id) && !msg.deleted ? { ...msg, deleted: true, body: null, attachments: [], deletableForMs: null } : msg))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * The open thread: the messages, the reply box (or why there is none), and a quiet poll every
 * five seconds for what arrived since the newest message shown. The poll pauses while the tab
 * is hidden, backs off after errors, stops when the session ends, and announces arrivals in a
 * polite live region. When the conversation closes meanwhile, the page is refreshed from the
 * server so the reply box gives way to the reason.
 */
export function ThreadLive({
  actions,
  conversationId,
  status,
  initialMessages,
  mayReply,
  blocked,
  messages: m,
}: {
  /** The page's actions: reply to this thread, delete one's own message. */
  actions: { reply: FormAction<InboxFormState>; deleteMessage: DeleteMessage };
  conversationId: string;
  status: 'open' | 'closed';
  initialMessages: DisplayMessage[];
  mayReply: boolean;
  blocked: React.ReactNode;
  messages: InboxMessages;
}) {
  const router = useRouter();
  const [polled, setPolled] = useState<ReadonlyMap<string, DisplayMessage>>(() => new Map());
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(() => new Set());
  const [announcement, setAnnouncement] = useState('');
  const [problem, setProblem] = useState<'session' | 'gone' | 'trouble' | null>(null);
  const all = useMemo(() => mergeMessages(initialMessages, polled, deleted), [initialMessages, polled, deleted]);

  // The poll's cursor: at first the newest message rendered, then what the server hands back.
  const cursor = useRef<string | null>(initialMessages.at(-1)?.createdAt ?? null);
  const knownIds = useRef(new Set<string>());
  const statusRef = useRef(status);
  const pollNow = useRef<() => void>(() => {});
  useEffect(() => {
    for (const msg of all) knownIds.current.add(msg.id);
  }, [all]);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  const receive = useCallback((data: PollResponse) => {
    if (!cursor.current || data.cursor > cursor.current) cursor.current = data.cursor;
    // New ones, and known ones deleted since (their body and files are gone).
    const fresh = data.messages.filter((msg) => !knownIds.current.has(msg.id));
    if (data.messages.length > 0) {
      setPolled((prev) => {
        const next = new Map(prev);
        for (const msg of data.messages) next.set(msg.id, msg);
        return next;
      });
    }
    if (fresh.length > 0) {
      for (const msg of fresh) knownIds.current.add(msg.id);
      const fromOthers = fresh.filter((msg) => !msg.mine);
      if (fromOthers.length === 1) setAnnouncement(interpolate(m.announceNewOne, { name: fromOthers[0]!.sender }));
      else if (fromOthers.length > 1) setAnnouncement(interpolate(m.announceNewOther, { count: fromOthers.length }));
    }
    if (data.status !== statusRef.current) {
      statusRef.current = data.status;
      if (data.status === 'closed') setAnnouncement(m.announceClosed);
      router.refresh();
    }
  }, [m, router]);
  // The poll loop lives as long as the thread; a refresh's new props must not restart it.
  const receiveRef = useRef(receive);
  useEffect(() => {
    receiveRef.current = receive;
  }, [receive]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = POLL_MS;
    let failures = 0;
    let inFlight = false;
    let again = false;
    let stopped = false;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(tick, delay);
    };

    async function tick() {
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const after = cursor.current ? `?after=${encodeURIComponent(cursor.current)}` : '';
        const response = await fetch(`/api/portal/messages/${encodeURIComponent(conversationId)}/poll${after}`, {
          cache: 'no-store',
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        });
        if (stopped) return;
        if (response.status === 401 || response.status === 404) {
          stopped = true;
          setProblem(response.status === 401 ? 'session' : 'gone');
          return;
        }
        if (!response.ok) throw new Error(`poll ${response.status}`);
        const data = (await response.json()) as PollResponse;
        if (stopped) return;
        receiveRef.current(data);
        failures = 0;
        delay = POLL_MS;
        setProblem(null);
      } catch {
        failures += 1;
        delay = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures);
        // One miss is usually a blip (a phone changing networks); say so from the second.
        if (failures >= 2) setProblem('trouble');
      } finally {
        inFlight = false;
        if (again) {
          again = false;
          void tick();
        } else {
          schedule();
        }
      }
    }

    const onVisibility = () => {
      if (document.hidden) clearTimeout(timer);
      else void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    pollNow.current = () => {
      clearTimeout(timer);
      void tick();
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      pollNow.current = () => {};
    };
  }, [conversationId]);

  const onSent = useCallback(() => pollNow.current(), []);
  const onDeleted = useCallback((id: string, notice: string) => {
    setDeleted((prev) => new Set(prev).add(id));
    setAnnouncement(notice);
  }, []);

  return (
    <div className="space-y-6">
      <section aria-labelledby="thread-messages-heading">
        <h2 id="thread-messages-heading" className="sr-only">{m.messagesHeading}</h2>
        <ol className="space-y-3">
          {all.map((msg) => (
            <li key={msg.id}>
              <MessageItem message={msg} messages={m} onDelete={actions.deleteMessage} onDeleted={onDeleted} />
            </li>
          ))}
        </ol>
      </section>

      <div aria-live="polite" aria-atomic="true" className="sr-only">{announcement}</div>
      {problem === 'session' ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">
          {m.sessionEnded}{' '}
          <a href="/portal/sign-in" className="underline">{m.signInAgain}</a>
        </p>
      ) : problem === 'gone' ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">{m.conversationGone}</p>
      ) : problem === 'trouble' ? (
        <p role="status" className="text-sm text-fg-muted">{m.pollTrouble}</p>
      ) : null}

      {mayReply && problem !== 'session' && problem !== 'gone' ? (
        <ReplyForm action={actions.reply} conversationId={conversationId} messages={m} onSent={onSent} />
      ) : !mayReply ? (
        <div className="rounded-xl border border-line bg-surface-muted p-4 text-sm">{blocked}</div>
      ) : null}
    </div>
  );
}
