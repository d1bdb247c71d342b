import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { queryAuditLog } from '@/lib/audit/query';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPatientChart } from '@/lib/patients/chart';

export const metadata: Metadata = { title: 'Activity' };

/** Seed 004's accountability: everything recorded about this patient, newest first. */
export default async function ActivityTab({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  const ctx = await requireStaff('emr', 'audit.view');
  const { id } = await params;
  const { page = '1' } = await searchParams;
  const db = getDb();
  await getPatientChart(db, ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const result = await queryAuditLog(db, ctx, { patientId: id }, Number(page));
  return (
    <section aria-labelledby="activity-heading" className="rounded-xl border border-line bg-surface">
      <h2 id="activity-heading" className="px-5 pt-5 text-lg font-semibold">Activity</h2>
      <p className="px-5 text-sm text-fg-muted">Who viewed or changed this patient’s record, and when (UTC).</p>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Audit entries about this patient</caption>
          <thead className="border-y border-line text-fg-muted">
            <tr>
              <th scope="col" className="px-5 py-2 font-medium">When</th>
              <th scope="col" className="px-5 py-2 font-medium">Who</th>
              <th scope="col" className="px-5 py-2 font-medium">What</th>
              <th scope="col" className="px-5 py-2 font-medium">Outcome</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {result.entries.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap px-5 py-2">{e.occurredAt.toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td className="px-5 py-2">{e.actor}{e.actorDetail ? <span className="block text-xs text-fg-muted">{e.actorDetail}</span> : null}</td>
                <td className="px-5 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-5 py-2">{e.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex justify-between px-5 py-3 text-sm">
        {result.page > 1 ? <Link className="font-medium text-brand-accent underline" href={`?page=${result.page - 1}`}>Newer</Link> : <span />}
        {result.hasMore ? <Link className="font-medium text-brand-accent underline" href={`?page=${result.page + 1}`}>Older</Link> : null}
      </nav>
    </section>
  );
}
