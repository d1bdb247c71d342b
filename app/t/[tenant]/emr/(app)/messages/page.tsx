import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { ConversationTable, Pager } from '@/components/emr/messages/conversation-table';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { listStaffConversations } from '@/lib/conversations';
import { messagingPolicy } from '@/lib/conversations/access';
import { FILTERS, messagingZone } from '@/lib/conversations/staff-display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Messages' };

const querySchema = z.object({
  filter: z.enum(['open', 'closed', 'mine', 'unassigned', 'all']).catch('open'),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
});

export default async function MessagesInbox({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { profile } = await getPageTenant(params);
  const ctx = await requireStaff('emr', 'messages.view');
  const raw = await searchParams;
  const { filter, page } = querySchema.parse({ filter: raw.filter ?? 'open', page: raw.page ?? 1 });
  const db = getDb();
  const [result, policy] = await Promise.all([listStaffConversations(db, ctx, { filter, page }), messagingPolicy(db, ctx.tenant.id)]);
  const canSend = ctx.actor.permissions.has('messages.send');
  const current = FILTERS.find((f) => f.value === filter)!;
  const pageLink = (p: number) => `/emr/messages?${new URLSearchParams({ filter, page: String(p) })}`;
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Messages</h1>
          <p className="text-fg-muted">Secure conversations with patients. Times are in the clinic’s time zone ({messagingZone(profile).replace(/_/g, ' ')}).</p>
        </div>
        {canSend ? (
          <Link href="/emr/messages/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">
            New conversation
          </Link>
        ) : null}
      </header>
      {policy === 'assigned_only' ? (
        <p className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">
          This clinic uses the “Assigned clients only” policy: you see and message only patients assigned to you (the Care team tab of a patient’s chart).
        </p>
      ) : null}
      <nav aria-label="Filter conversations" className="border-b border-line">
        <ul className="flex gap-1 overflow-x-auto">
          {FILTERS.map((f) => {
            const active = f.value === filter;
            return (
              <li key={f.value}>
                <Link
                  href={`/emr/messages?filter=${f.value}`}
                  aria-current={active ? 'page' : undefined}
                  className={active
                    ? 'block whitespace-nowrap border-b-2 border-brand-accent px-4 py-2 text-sm font-semibold'
                    : 'block whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-medium text-fg-muted hover:text-fg'}
                >
                  {f.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <section aria-label={`${current.label} conversations`} className="rounded-xl border border-line bg-surface">
        <ConversationTable
          items={result.items}
          timeZone={messagingZone(profile)}
          caption={`${current.label} conversations, most recent first`}
          linkPatients={ctx.actor.permissions.has('patients.view')}
          empty={<p>{page > 1 ? 'No more conversations on this page.' : current.empty}</p>}
        />
      </section>
      <Pager page={result.page} pageSize={result.pageSize} total={result.total} href={pageLink} />
    </div>
  );
}
