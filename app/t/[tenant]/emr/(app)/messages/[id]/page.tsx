import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ConversationControls } from '@/components/emr/messages/conversation-controls';
import { ReplyForm } from '@/components/emr/messages/reply-form';
import { ThreadMessages } from '@/components/emr/messages/thread-messages';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listAssignableStaff, openStaffThread } from '@/lib/conversations';
import { messagingZone, REPLY_BLOCKED, toThreadItem } from '@/lib/conversations/staff-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { assignAction, changeStatusAction, deleteMessageAction, replyAction, setProxyVisibilityAction } from '../actions';

// The subject is patient information: it stays out of the browser tab and history titles.
export const metadata: Metadata = { title: 'Conversation' };

export default async function ConversationPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { profile } = await getPageTenant(params);
  const ctx = await requireStaff('emr', 'messages.view');
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const db = getDb();
  const canSend = ctx.actor.permissions.has('messages.send');
  const [thread, staff] = await Promise.all([
    openStaffThread(db, ctx, id.data),
    canSend ? listAssignableStaff(db, ctx) : Promise.resolve([]),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const zone = messagingZone(profile);
  const { conversation } = thread;
  const closed = conversation.status === 'closed';
  const blocked = !canSend ? REPLY_BLOCKED.permission : closed ? REPLY_BLOCKED.closed : !thread.mayReply ? (REPLY_BLOCKED[thread.replyBlockedReason ?? ''] ?? 'Replies are not possible in this conversation.') : null;
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/emr/messages" className="link">Messages</Link>
      </nav>
      <header className="rounded-xl border border-line bg-surface p-5">
        <h1 className="text-2xl font-semibold break-words">{conversation.subject}</h1>
        <p className="mt-1 text-sm text-fg-muted">
          With{' '}
          {ctx.actor.permissions.has('patients.view') ? (
            <Link href={`/emr/patients/${conversation.patient.id}`} className="link">{conversation.patient.name}</Link>
          ) : <span className="font-medium text-fg">{conversation.patient.name}</span>}
          {' · '}
          <span className="font-medium text-fg">{closed ? (conversation.closedReason === 'auto' ? 'Closed automatically (no patient reply within 48 hours)' : 'Closed') : 'Open'}</span>
          {' · '}
          {conversation.assignedTo ? `Assigned to ${conversation.assignedTo.name}` : 'Unassigned'}
          {' · '}
          {conversation.hiddenFromProxies ? <>Hidden from family and caregivers{' · '}</> : null}
          Times in {zone.replace(/_/g, ' ')}
        </p>
      </header>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="space-y-4">
          <section aria-labelledby="thread-heading">
            <h2 id="thread-heading" className="sr-only">Messages</h2>
            <ThreadMessages
              conversationId={conversation.id}
              initial={thread.messages.map((m) => toThreadItem(m, zone))}
              status={conversation.status}
              canDelete={canSend}
              deleteAction={deleteMessageAction}
            />
          </section>
          {/* Not labelled by its heading: the e2e journey finds the textarea by the label "Reply" alone. */}
          <section className="rounded-xl border border-line bg-surface p-5">
            <h2 className="text-lg font-semibold">Your reply</h2>
            {blocked ? <p className="mt-2 text-sm">{blocked}</p> : <div className="mt-3"><ReplyForm conversationId={conversation.id} action={replyAction} /></div>}
          </section>
        </div>
        {canSend ? (
          <aside aria-labelledby="manage-heading" className="h-fit rounded-xl border border-line bg-surface p-5">
            <h2 id="manage-heading" className="text-lg font-semibold">Manage</h2>
            <div className="mt-3">
              <ConversationControls
                conversationId={conversation.id}
                status={conversation.status}
                assignedToId={conversation.assignedTo?.id ?? null}
                hiddenFromProxies={conversation.hiddenFromProxies}
                staff={staff}
                actions={{ assign: assignAction, changeStatus: changeStatusAction, proxyVisibility: setProxyVisibilityAction }}
              />
            </div>
          </aside>
        ) : null}
      </div>
    </div>
  );
}
