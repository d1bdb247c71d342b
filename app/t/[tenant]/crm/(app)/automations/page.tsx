import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { AutomationStatusBadge, BuiltInBadge } from '@/components/engagement/automations/badges';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { listAutomations } from '@/lib/engagement/automations/automations';
import { triggerWords } from '@/lib/engagement/automations/builder-words';

export const metadata: Metadata = { title: 'Automations' };

/**
 * /crm/automations (automations.manage): the clinic's automations, built-in and its own, with what
 * starts each, whether it is on, and how much it has been doing.
 */
export default async function AutomationsPage() {
  const ctx = await requireStaff('crm', 'automations.manage');
  const rows = await listAutomations(getDb(), ctx);
  return (
    <Page
      title="Automations"
      description="What happens on its own when something happens in the clinic: reminders, follow-ups, tasks for the team. Each event starts a run; a run’s waits are kept in the database."
    >
      <div className="flex justify-end">
        <Link href="/crm/automations/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">New automation</Link>
      </div>
      <CatalogTable
        id="automations-heading" title="The clinic’s automations" caption="The clinic’s automations, by name" items={rows}
        columns={[{ label: 'Name' }, { label: 'Starts when' }, { label: 'Status' }, { label: 'Steps', end: true }, { label: 'Runs waiting', end: true }, { label: 'Runs, last 30 days', end: true }]}
        empty={<>No automations yet. <Link href="/crm/automations/new" className={linkClass}>Build the first one</Link>.</>}
      >
        {(a) => (
          <tr key={a.id}>
            <td className={td}>
              <span className="flex flex-wrap items-center gap-2">
                <Link href={`/crm/automations/${a.id}`} className={linkClass}>{a.name}</Link>
                {a.builtinKey ? <BuiltInBadge /> : null}
              </span>
              {a.description ? <span className="block text-xs text-fg-muted">{a.description}</span> : null}
            </td>
            <td className={td}>{triggerWords(a.trigger)}</td>
            <td className={td}><AutomationStatusBadge status={a.status} /></td>
            <td className={`${td} text-right tabular-nums`}>{a.stepCount}</td>
            <td className={`${td} text-right tabular-nums`}>{a.runsWaiting}</td>
            <td className={`${td} text-right tabular-nums`}>{a.runsLast30Days}</td>
          </tr>
        )}
      </CatalogTable>
    </Page>
  );
}
