import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { campaignRecipients } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { getCampaign } from './campaigns';

/**
 * A campaign's report (issue 18 point 8), one query over its recipient rows: who was in the
 * segment, who was left out and why, and what happened to each message — handed over, delivered,
 * failed, held back at send time — with opens, clicks and unsubscribes where the provider reported
 * them (Resend webhooks) or the patient used the link. Counts only; no patient is named.
 */

export interface CampaignReport {
  recipients: number;
  excluded: { noConsent: number; suppressed: number; noAddress: number; total: number };
  /** Waiting for their slot (or left unsent by a cancel). */
  waiting: number;
  /** Handed to the outbox, not yet sent by the provider (nor held by the SMS budget). */
  handedOver: number;
  sent: number;
  delivered: number;
  failed: number;
  /**
   * Held back when their turn came: consent withdrawn or the address suppressed since queueing, or
   * an SMS the clinic's spent budget holds (outbox status 'held', lib/sms-spend; it may still go).
   */
  heldAtSend: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
}

export async function campaignReport(db: Executor, ctx: StaffContext, campaignId: string): Promise<CampaignReport> {
  assertPermission(ctx, 'campaigns.manage');
  const campaign = await getCampaign(db, ctx, campaignId);
  const r = campaignRecipients;
  const count = (condition: ReturnType<typeof sql>) => sql<number>`count(*) filter (where ${condition})::int`;
  // Drizzle writes this one-table select's columns unqualified: inside the subquery they would
  // name the outbox's own, so the recipient's are qualified by hand.
  const budgetHeld = sql`exists (select 1 from outbox_messages o where o.tenant_id = "campaign_recipients"."tenant_id" and o.id = "campaign_recipients"."outbox_message_id" and o.status = 'held')`;
  const [row] = await db
    .select({
      recipients: sql<number>`count(*)::int`,
      noConsent: count(sql`${r.exclusionReason} = 'no_consent'`),
      suppressed: count(sql`${r.exclusionReason} = 'suppressed'`),
      noAddress: count(sql`${r.exclusionReason} = 'no_address'`),
      waiting: count(sql`${r.status} = 'queued' and ${r.outboxMessageId} is null`),
      handedOver: count(sql`${r.status} = 'queued' and ${r.outboxMessageId} is not null and not ${budgetHeld}`),
      sent: count(sql`${r.status} in ('sent', 'delivered')`),
      delivered: count(sql`${r.status} = 'delivered' or ${r.deliveredAt} is not null`),
      failed: count(sql`${r.status} = 'failed'`),
      heldAtSend: count(sql`${r.status} = 'suppressed' or (${r.status} = 'queued' and ${budgetHeld})`),
      opened: count(sql`${r.openedAt} is not null`),
      clicked: count(sql`${r.clickedAt} is not null`),
      unsubscribed: count(sql`${r.unsubscribedAt} is not null`),
    })
    .from(r)
    .where(and(eq(r.tenantId, ctx.tenant.id), eq(r.campaignId, campaign.id)));
  const x = row!;
  return {
    recipients: x.recipients,
    excluded: { noConsent: x.noConsent, suppressed: x.suppressed, noAddress: x.noAddress, total: x.noConsent + x.suppressed + x.noAddress },
    waiting: x.waiting, handedOver: x.handedOver, sent: x.sent, delivered: x.delivered, failed: x.failed, heldAtSend: x.heldAtSend,
    opened: x.opened, clicked: x.clicked, unsubscribed: x.unsubscribed,
  };
}
