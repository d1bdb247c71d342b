import 'server-only';
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { campaignRecipients, campaigns, messageTemplates, portalAccountPatients, portalAccounts, type Campaign } from '@/db/schema';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { contactDecisions, type ContactRefusal } from '../consent';
import { clinicDay, segmentPatientIds } from '../segments/query';
import { loadSegmentFilter } from '../segments/segments';
import { afterQuietHours, throttleSlots } from './quiet-hours';

/**
 * Queueing a campaign (a job): at its send time a scheduled campaign becomes `queueing`, and each
 * pass writes one page of its segment's patients (keyset by patient id, from `queue_cursor`) as
 * recipient rows in one transaction with the cursor's move — so a crash repeats no page and
 * memory stays flat however large the segment. Each patient is excluded with the reason (no
 * address, no marketing consent, suppressed) or queued with `send_after`: the next slot at the
 * campaign's rate, moved past quiet hours in the patient's zone for SMS. The segment is read as it
 * is at queueing; consent and the suppression list are checked again when each message is sent.
 * When the last page is written the campaign is `sending`.
 */

export const QUEUE_PAGE = 1000;

const REASON: Record<ContactRefusal, 'no_address' | 'no_consent' | 'suppressed'> = {
  'no-address': 'no_address', 'no-consent': 'no_consent', suppressed: 'suppressed',
};

export interface QueueResult {
  campaignsStarted: number;
  recipientsQueued: number;
  recipientsExcluded: number;
  campaignPagesWaiting: number;
}

/** One pass: starts campaigns whose time came and writes up to `pages` pages, one transaction each. */
export async function queueCampaigns(db: Database, at: Date = now(), options: { pages?: number; pageSize?: number } = {}): Promise<QueueResult> {
  const result: QueueResult = { campaignsStarted: 0, recipientsQueued: 0, recipientsExcluded: 0, campaignPagesWaiting: 0 };
  const started = await db
    .update(campaigns)
    .set({ status: 'queueing', updatedAt: at })
    .where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.sendAt, at)))
    .returning({ id: campaigns.id });
  result.campaignsStarted = started.length;
  const pages = options.pages ?? 20;
  for (let i = 0; i < pages; i++) {
    const page = await db.transaction((tx) => queueOnePage(tx, at, options.pageSize ?? QUEUE_PAGE));
    if (!page) return result;
    result.recipientsQueued += page.queued;
    result.recipientsExcluded += page.excluded;
  }
  result.campaignPagesWaiting = 1;
  return result;
}

async function queueOnePage(tx: Transaction, at: Date, pageSize: number): Promise<{ queued: number; excluded: number } | null> {
  const [campaign] = await tx
    .select()
    .from(campaigns)
    .where(eq(campaigns.status, 'queueing'))
    .orderBy(asc(campaigns.sendAt), asc(campaigns.id))
    .limit(1)
    .for('update', { skipLocked: true });
  if (!campaign) return null;
  const filter = await loadSegmentFilter(tx, campaign.tenantId, campaign.segmentId);
  // The segment as of the campaign's send time, on every page: a queue that runs past the clinic's
  // midnight still reads one calendar ("seen in the last year" does not shift between pages).
  const day = await clinicDay(tx, campaign.tenantId, campaign.sendAt ?? at);
  const ids = await segmentPatientIds(tx, campaign.tenantId, filter, { after: campaign.queueCursor, limit: pageSize, day });
  if (ids.length === 0) {
    await tx.update(campaigns).set({ status: 'sending', queuedAt: at, updatedAt: at }).where(and(eq(campaigns.tenantId, campaign.tenantId), eq(campaigns.id, campaign.id)));
    return { queued: 0, excluded: 0 };
  }
  const [template] = await tx.select({ purpose: messageTemplates.purpose }).from(messageTemplates)
    .where(and(eq(messageTemplates.tenantId, campaign.tenantId), eq(messageTemplates.id, campaign.templateId)));
  const decisions = await contactDecisions(tx, campaign.tenantId, ids, campaign.channel, template?.purpose ?? 'marketing');
  const reachable = ids.filter((id) => decisions.get(id)?.ok);
  const sendAfter = await sendTimes(tx, campaign, reachable, at);
  const rows = ids.map((patientId) => {
    const decision = decisions.get(patientId) ?? { ok: false as const, reason: 'no-address' as const };
    return decision.ok
      ? { tenantId: campaign.tenantId, campaignId: campaign.id, patientId, address: decision.address, status: 'queued' as const, sendAfter: sendAfter.get(patientId)!, createdAt: at }
      : { tenantId: campaign.tenantId, campaignId: campaign.id, patientId, address: null, status: 'excluded' as const, exclusionReason: REASON[decision.reason], createdAt: at };
  });
  const written = await tx
    .insert(campaignRecipients)
    .values(rows)
    .onConflictDoNothing({ target: [campaignRecipients.tenantId, campaignRecipients.campaignId, campaignRecipients.patientId] })
    .returning({ status: campaignRecipients.status });
  const queued = written.filter((r) => r.status === 'queued').length;
  await tx.update(campaigns).set({ queueCursor: ids[ids.length - 1]!, queuedCount: campaign.queuedCount + queued, updatedAt: at })
    .where(and(eq(campaigns.tenantId, campaign.tenantId), eq(campaigns.id, campaign.id)));
  return { queued, excluded: written.length - queued };
}

/**
 * Each reachable patient's send instant: the campaign's rate continued from the recipients
 * already queued, then (SMS) moved past quiet hours in the patient's zone — the zone they chose in
 * the portal, else the clinic's.
 */
async function sendTimes(tx: Transaction, campaign: Campaign, patientIds: string[], at: Date): Promise<Map<string, Date>> {
  const times = new Map<string, Date>();
  if (patientIds.length === 0) return times;
  const already = campaign.queuedCount;
  const start = campaign.sendAt && campaign.sendAt.getTime() > at.getTime() ? campaign.sendAt : at;
  const slots = throttleSlots(start, campaign.ratePerMinute, patientIds.length, already);
  const quiet = campaign.quietStart !== campaign.quietEnd && campaign.channel === 'sms' ? { quietStart: campaign.quietStart, quietEnd: campaign.quietEnd } : null;
  const zones = quiet ? await patientZones(tx, campaign.tenantId, patientIds) : new Map<string, string>();
  const clinicZone = quiet ? await clinicTimeZone(tx, campaign.tenantId) : 'UTC';
  patientIds.forEach((id, i) => times.set(id, quiet ? afterQuietHours(slots[i]!, zones.get(id) ?? clinicZone, quiet) : slots[i]!));
  return times;
}

/** The zone a patient reads their phone in: their own portal account's choice, when they made one. */
async function patientZones(tx: Transaction, tenantId: string, patientIds: string[]): Promise<Map<string, string>> {
  const rows = await tx
    .select({ patientId: portalAccountPatients.patientId, timeZone: portalAccounts.timeZone })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), inArray(portalAccountPatients.patientId, patientIds), eq(portalAccountPatients.relationship, 'self')));
  return new Map(rows.flatMap((r) => (r.timeZone ? [[r.patientId, r.timeZone] as const] : [])));
}
