import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatusBar, CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { choiceNames, segmentChoices } from '@/lib/engagement/segments/choices';
import { describeFilter } from '@/lib/engagement/segments/filter';
import { segmentListStatus } from '@/lib/engagement/segments/forms';
import { listSegments } from '@/lib/engagement/segments/segments';

export const metadata: Metadata = { title: 'Segments' };

/** /crm/segments (campaigns.manage): the clinic's segments with how many patients each takes today. */
export default async function SegmentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const status = segmentListStatus((await searchParams).status);
  const db = getDb();
  const [rows, choices] = await Promise.all([listSegments(db, ctx, { status }), segmentChoices(db, ctx)]);
  const names = choiceNames(choices);
  const title = status === 'active' ? 'Active segments' : 'Archived segments';

  return (
    <Page title="Segments" description="Saved groups of the clinic’s patients, for campaigns. Counts are of today: a segment is worked out again each time, never kept as a list.">
      <CatalogStatusBar path="/crm/segments" status={status} label="Segments by status" newLabel="New segment" />
      <CatalogTable
        id="segments-heading" title={title} caption={`${title}, by name, with the patients each takes today`} items={rows}
        columns={[{ label: 'Name' }, { label: 'Conditions' }, { label: 'Patients today', end: true }]}
        empty={status === 'active' ? <>No segments yet. <Link href="/crm/segments/new" className={linkClass}>Add the first one</Link>.</> : 'No archived segments.'}
      >
        {(s) => (
          <tr key={s.id}>
            <td className={td}>
              <Link href={`/crm/segments/${s.id}`} className={linkClass}>{s.name}</Link>
              {s.description ? <span className="block text-xs text-fg-muted">{s.description}</span> : null}
            </td>
            <td className={td}>{describeFilter(s.filter, names)}</td>
            <td className={`${td} text-right tabular-nums`}>{s.count.toLocaleString('en-US')}</td>
          </tr>
        )}
      </CatalogTable>
    </Page>
  );
}
