import Link from 'next/link';
import type { StaffConversationSummary } from '@/lib/conversations/types';
import { formatMessageTime } from '@/lib/conversations/staff-display';

/** Text carries every state; colour only supports it (WCAG 1.4.1). */
function StatusCell({ c }: { c: StaffConversationSummary }) {
  return (
    <div className="flex flex-wrap gap-1.5">
      {c.unreadCount > 0 ? (
        <span className="rounded-full bg-brand px-2 py-0.5 text-xs font-semibold text-brand-contrast">{c.unreadCount} unread</span>
      ) : null}
      {c.status === 'closed' ? (
        <span className="rounded-full border border-line bg-surface-muted px-2 py-0.5 text-xs font-semibold">
          {c.closedReason === 'auto' ? 'Closed automatically' : 'Closed'}
        </span>
      ) : c.awaitingStaff ? (
        <span className="rounded-full border border-amber-300 bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">Awaiting reply</span>
      ) : (
        <span className="rounded-full border border-line px-2 py-0.5 text-xs font-semibold">Open</span>
      )}
    </div>
  );
}

export function ConversationTable({
  items,
  timeZone,
  caption,
  showPatient = true,
  linkPatients,
  empty,
}: {
  items: StaffConversationSummary[];
  timeZone: string;
  caption: string;
  showPatient?: boolean;
  linkPatients: boolean;
  empty: React.ReactNode;
}) {
  if (items.length === 0) return <div className="px-5 py-8 text-center text-fg-muted">{empty}</div>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-line text-fg-muted">
          <tr>
            {showPatient ? <th scope="col" className="px-4 py-3 font-medium">Patient</th> : null}
            <th scope="col" className="px-4 py-3 font-medium">Subject</th>
            <th scope="col" className="px-4 py-3 font-medium">Last message</th>
            <th scope="col" className="px-4 py-3 font-medium">Assigned to</th>
            <th scope="col" className="px-4 py-3 font-medium">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {items.map((c) => (
            <tr key={c.id} className={c.unreadCount > 0 ? 'font-semibold' : undefined}>
              {showPatient ? (
                <td className="px-4 py-3">
                  {linkPatients ? (
                    <Link href={`/emr/patients/${c.patient.id}`} className="text-brand-accent underline underline-offset-2">{c.patient.name}</Link>
                  ) : c.patient.name}
                </td>
              ) : null}
              <td className="px-4 py-3">
                <Link href={`/emr/messages/${c.id}`} className="text-brand-accent underline underline-offset-2">{c.subject}</Link>
              </td>
              <td className="whitespace-nowrap px-4 py-3 font-normal">
                <time dateTime={c.lastMessageAt}>{formatMessageTime(c.lastMessageAt, timeZone)}</time>
              </td>
              <td className="px-4 py-3 font-normal">{c.assignedTo?.name ?? <span className="text-fg-muted">Unassigned</span>}</td>
              <td className="px-4 py-3"><StatusCell c={c} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous/next links keeping the other query parameters. */
export function Pager({ page, pageSize, total, href }: { page: number; pageSize: number; total: number; href: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3 text-sm">
      {page > 1 ? <Link className="font-medium text-brand-accent underline" href={href(page - 1)}>Previous</Link> : <span />}
      <span className="text-fg-muted">Page {page} of {pages}</span>
      {page < pages ? <Link className="font-medium text-brand-accent underline" href={href(page + 1)}>Next</Link> : <span />}
    </nav>
  );
}
