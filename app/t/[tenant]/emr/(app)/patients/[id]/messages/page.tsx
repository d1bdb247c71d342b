import type { Metadata } from 'next';
import { z } from 'zod';
import { ComposeForm } from '@/components/emr/messages/compose-form';
import { ConversationTable, Pager } from '@/components/emr/messages/conversation-table';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listStaffConversations } from '@/lib/conversations';
import { messagingZone } from '@/lib/conversations/staff-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { startConversationAction } from '../../../messages/actions';

export const metadata: Metadata = { title: 'Messages' };

const pageSchema = z.coerce.number().int().min(1).max(1000).catch(1);

export default async function PatientMessagesTab({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; id: string }>;
  searchParams: Promise<{ page?: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const ctx = await requireStaff('emr', 'messages.view');
  const { id } = await params;
  const page = pageSchema.parse((await searchParams).page ?? 1);
  const canSend = ctx.actor.permissions.has('messages.send');
  // The chart layout already answered 404 for another clinic's patient; here not-found means
  // the messaging policy keeps this patient from this staff member.
  const result = await listStaffConversations(getDb(), ctx, { filter: 'all', patientId: id, page }).catch((error) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  if (!result) {
    return (
      <section className="rounded-xl border border-line bg-surface p-5">
        <h2 className="text-lg font-semibold">Messages</h2>
        <p className="mt-2 text-sm">
          This clinic uses the “Assigned clients only” messaging policy and this patient is not assigned to you.
          Someone who can edit patients can add you on the Care team tab.
        </p>
      </section>
    );
  }
  return (
    <div className="space-y-4">
      <section aria-labelledby="conversations-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="conversations-heading" className="px-5 pt-5 text-lg font-semibold">Conversations</h2>
        <div className="mt-3">
          <ConversationTable
            items={result.items}
            timeZone={messagingZone(profile)}
            caption="This patient’s conversations, most recent first"
            showPatient={false}
            linkPatients={false}
            empty={<p>{canSend ? 'No conversations with this patient yet. Start one below.' : 'No conversations with this patient yet.'}</p>}
          />
        </div>
      </section>
      <Pager page={result.page} pageSize={result.pageSize} total={result.total} href={(p) => `/emr/patients/${id}/messages?page=${p}`} />
      {canSend ? (
        <section aria-labelledby="start-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="start-heading" className="text-lg font-semibold">Start a conversation</h2>
          <div className="mt-3 max-w-2xl">
            <ComposeForm patientId={id} action={startConversationAction} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
