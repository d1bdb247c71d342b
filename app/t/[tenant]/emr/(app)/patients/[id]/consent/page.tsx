import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ChartConsentPanel } from '@/components/engagement/consent/chart-consent-panel';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { currentConsents } from '@/lib/engagement/consent';
import { saveChartConsentAction } from './actions';

export const metadata: Metadata = { title: 'Consent' };

/**
 * What the patient has said about being contacted, per channel and purpose, with where each
 * answer came from and when; staff with patients.edit record a change the patient asks for.
 */
export default async function ChartConsentTab({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const db = getDb();
  const [consents, zone] = await Promise.all([currentConsents(db, ctx, id), clinicTimeZone(db, ctx.tenant.id)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return <ChartConsentPanel consents={consents} timeZone={zone} action={ctx.actor.permissions.has('patients.edit') ? saveChartConsentAction : null} />;
}
