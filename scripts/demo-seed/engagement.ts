import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { patientConsents, tenants, type ConsentSource, type ContactChannel, type ContactPurpose } from '@/db/schema';
import { ensureBuiltinAutomations } from '@/lib/engagement/automations/builtins';
import { recordConsent } from '@/lib/engagement/consent';
import { demoPatientId } from './contexts';

/**
 * Consent of a demo clinic's patients (issue 18, point 7), recorded through the product's own
 * recordConsent with source 'seed': Sunrise's Maria Lopez said yes to marketing by email, so a
 * campaign to her reaches her inbox and its unsubscribe link can be tried. Idempotent, and never
 * over a patient's own answer: an answer is seeded only while the patient has none recorded for
 * that channel and purpose (the seed runs on every start; an unsubscribe made in the demo stays).
 */
interface DemoConsent {
  /** Record number of the patient. */
  patient: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  granted: boolean;
}

const DEMO_CONSENTS: Record<string, DemoConsent[]> = {
  sunrise: [{ patient: 'SUN-10001', channel: 'email', purpose: 'marketing', granted: true }],
};

const SOURCE: ConsentSource = 'seed';

export async function seedEngagement(db: Database, slug: string): Promise<void> {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return;
  // The built-in automations (visit reminders and the rest), on, as a new clinic has them.
  await db.transaction((tx) => ensureBuiltinAutomations(tx, tenant.id));
  const consents = DEMO_CONSENTS[slug];
  if (!consents?.length) return;
  for (const c of consents) {
    const patientId = await demoPatientId(db, tenant.id, c.patient);
    const [answered] = await db
      .select({ id: patientConsents.id })
      .from(patientConsents)
      .where(and(eq(patientConsents.tenantId, tenant.id), eq(patientConsents.patientId, patientId), eq(patientConsents.channel, c.channel), eq(patientConsents.purpose, c.purpose)))
      .limit(1);
    if (answered) continue;
    await recordConsent(db, tenant.id, { patientId, channel: c.channel, purpose: c.purpose, granted: c.granted, source: SOURCE });
  }
}
