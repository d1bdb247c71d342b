import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SegmentForm } from '@/components/engagement/segments/segment-form';
import { RecordStatusButton } from '@/components/ui/record-status-button';
import { FormMessage } from '@/components/ui/form-controls';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { choiceNames, segmentChoices } from '@/lib/engagement/segments/choices';
import { describeCondition } from '@/lib/engagement/segments/filter';
import { patientsMatch } from '@/lib/engagement/segments/forms';
import { getSegment } from '@/lib/engagement/segments/segments';
import { archiveSegmentAction, countSegmentAction, restoreSegmentAction, updateSegmentAction } from '../actions';

export const metadata: Metadata = { title: 'Segment' };

const DONE: Record<string, string> = { created: 'Segment added. Campaigns can go to it now.' };

/** /crm/segments/[id] (campaigns.manage): edit with the live count, archive or restore. Another clinic's segment is not found. */
export default async function SegmentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const [{ id }, { done }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const [segment, choices] = await Promise.all([getSegment(db, ctx, id), segmentChoices(db, ctx)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href={segment.archived ? '/crm/segments?status=archived' : '/crm/segments'} className="link">
        {segment.archived ? 'Archived segments' : 'Segments'}
      </Link>
    </nav>
  );
  const names = choiceNames(choices);
  return (
    <Page title={segment.name} above={back} description={`${segment.archived ? 'Archived: new campaigns do not offer it. ' : ''}${patientsMatch(segment.count)} today.`}>
      {done && DONE[done] ? <FormMessage tone="info" message={DONE[done]} /> : null}
      {segment.archived ? (
        <CardSection id="segment-conditions-heading" title="Who is in it">
          <ul className="mt-3 list-disc space-y-1 pl-5">
            {segment.filter.conditions.length
              ? segment.filter.conditions.map((c, i) => <li key={i}>{describeCondition(c, names)}</li>)
              : <li>Every patient of the clinic</li>}
          </ul>
        </CardSection>
      ) : (
        <SegmentForm action={updateSegmentAction} countAction={countSegmentAction} target={{ mode: 'update', segmentId: segment.id }} choices={choices}
          values={segment} initialCount={segment.count} submitLabel="Save segment" />
      )}
      <CardSection id="segment-status-heading" title={segment.archived ? 'Archived' : 'Archive'}>
        <div className="mt-3">
          {segment.archived ? (
            <RecordStatusButton action={restoreSegmentAction} field="segmentId" id={segment.id} label="Restore segment" pendingLabel="Restoring…" primary
              hint="Campaigns can go to it again, and its conditions can be changed." />
          ) : (
            <RecordStatusButton action={archiveSegmentAction} field="segmentId" id={segment.id} label="Archive segment" pendingLabel="Archiving…"
              hint="New campaigns no longer offer it. Campaigns already sent to it keep their reports; a scheduled one must be cancelled first." />
          )}
        </div>
      </CardSection>
    </Page>
  );
}
