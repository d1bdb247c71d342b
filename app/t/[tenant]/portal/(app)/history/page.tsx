import type { Metadata } from 'next';
import { z } from 'zod';
import { EmptyState } from '@/components/portal/empty-state';
import { Pager } from '@/components/portal/pager';
import { VisitStatusBadge } from '@/components/portal/visit-status-badge';
import { VisitTime } from '@/components/portal/visit-time';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { listPortalAppointments } from '@/lib/portal/visits';

export const metadata: Metadata = { title: 'History' };

const PAGE_SIZE = 20;
const pageSchema = z.object({
  page: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.coerce.number().int().min(1).max(10_000).catch(1)).default(1),
});

export default async function PortalHistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient();
  const { page } = pageSchema.parse(await searchParams);
  const { visits, hasMore } = await listPortalAppointments(
    getDb(),
    { tenantId: portal.tenant.id, patientId: portal.patient.id },
    { when: 'past', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
  );
  const at = now();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">History</h1>
        <p className="mt-1 text-fg-muted">Past and cancelled visits, most recent first.</p>
      </div>
      {visits.length === 0 ? (
        <EmptyState title={page > 1 ? 'No more visits.' : 'No past visits.'} />
      ) : (
        <ul className="space-y-3">
          {visits.map((visit) => (
            <li key={visit.id}>
              <article aria-label={`${visit.service} with ${visit.provider}`} className="rounded-xl border border-line bg-surface p-4">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <p className="font-semibold">
                    <VisitTime startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={portal.account.timeZone} />
                  </p>
                  <VisitStatusBadge status={visit.status} endsAt={visit.endsAt} at={at} />
                </div>
                <dl className="mt-2 grid gap-1 text-sm sm:grid-cols-3">
                  <div>
                    <dt className="text-fg-muted">Service</dt>
                    <dd className="font-medium">{visit.service}</dd>
                  </div>
                  <div>
                    <dt className="text-fg-muted">Provider</dt>
                    <dd className="font-medium">{visit.provider}</dd>
                  </div>
                  <div>
                    <dt className="text-fg-muted">Location</dt>
                    <dd className="font-medium">{visit.location}</dd>
                  </div>
                </dl>
              </article>
            </li>
          ))}
        </ul>
      )}
      <Pager basePath="/portal/history" page={page} hasMore={hasMore} label="History pages" />
    </div>
  );
}
