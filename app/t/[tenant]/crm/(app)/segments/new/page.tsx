import type { Metadata } from 'next';
import Link from 'next/link';
import { SegmentForm } from '@/components/engagement/segments/segment-form';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { segmentChoices } from '@/lib/engagement/segments/choices';
import { EVERYONE } from '@/lib/engagement/segments/filter';
import { countSegmentForStaff } from '@/lib/engagement/segments/segments';
import { countSegmentAction, createSegmentAction } from '../actions';

export const metadata: Metadata = { title: 'New segment' };

/** /crm/segments/new (campaigns.manage). */
export default async function NewSegmentPage() {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const db = getDb();
  const [choices, everyone] = await Promise.all([segmentChoices(db, ctx), countSegmentForStaff(db, ctx, EVERYONE)]);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/segments" className="link">Segments</Link>
    </nav>
  );
  return (
    <Page title="New segment" above={back} description="Choose who is in it; the count below follows the conditions as you change them.">
      <SegmentForm action={createSegmentAction} countAction={countSegmentAction} target={{ mode: 'create' }} choices={choices}
        values={{ name: '', description: null, filter: EVERYONE }} initialCount={everyone} submitLabel="Add segment" />
    </Page>
  );
}
