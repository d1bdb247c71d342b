import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RunLog } from '@/components/engagement/automations/run-log';
import { getDb } from '@/db/client';
import { hasPermission, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { clinicTimeFormatter } from '@/lib/engagement/automations/builder-words';
import { listPatientAutomationRuns } from '@/lib/engagement/automations/run-queries';

export const metadata: Metadata = { title: 'Automations' };

/**
 * The chart's Automations tab (patients.view): the automations' runs about this patient, newest
 * first (the last 50) — reminders waiting for their time, messages queued, steps stopped and why.
 */
export default async function PatientAutomationsTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const db = getDb();
  const [runs, zone] = await Promise.all([listPatientAutomationRuns(db, ctx, id), clinicTimeZone(db, ctx.tenant.id)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <section aria-labelledby="patient-automations-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="patient-automations-heading" className="text-lg font-semibold">Automations</h2>
      <p className="mt-1 text-sm text-fg-muted">What the clinic’s automations did or will do for this patient, newest first. Times are the clinic’s ({zone}).</p>
      <div className="mt-3">
        <RunLog runs={runs} when={clinicTimeFormatter(zone, now())} show="automation" linkAutomations={hasPermission(ctx, 'automations.manage') && hasPermission(ctx, 'crm.access')}
          empty="No automation has run for this patient yet." caption="Automation runs about this patient, newest first" />
      </div>
    </section>
  );
}
