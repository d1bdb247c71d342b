import 'server-only';
import { and, asc, eq, inArray, isNull, lte, notExists, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { campaignRecipients, campaigns, messageTemplates, outboxMessages, patients } from '@/db/schema';
import { now } from '@/lib/clock';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { contactDecisions } from '../consent';
import { pickTemplateLanguage, renderTemplateMessage } from '../templates/render';
import { loadPlaceholderValues } from '../templates/values';

/**
 * Sending a campaign (a job): recipients whose slot came (`send_after`) are claimed FOR UPDATE
 * SKIP LOCKED, checked once more against consent and the suppression list as they are now (an
 * unsubscribe after queueing wins), rendered in the patient's language and handed to the outbox
 * as marketing — under the key `campaign:<campaign>:<patient>`, so a retry never sends twice — in
 * the claim's transaction. The outbox's own check at delivery, and its final state, follow
 * (lib/outbox/dispatcher.ts moves the recipient to sent, failed or suppressed). A campaign whose
 * recipients are all handed over is `sent`. A cancelled campaign's unclaimed recipients stay unsent.
 */

export const SEND_BATCH = 200;

export interface SendResult {
  campaignMessagesQueued: number;
  campaignRecipientsHeld: number;
  campaignsFinished: number;
}

export async function sendDueCampaignMessages(db: Database, at: Date = now(), options: { limit?: number } = {}): Promise<SendResult> {
  const limit = options.limit ?? SEND_BATCH;
  const result = await db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: campaignRecipients.id, tenantId: campaignRecipients.tenantId, campaignId: campaignRecipients.campaignId, patientId: campaignRecipients.patientId,
        channel: campaigns.channel, templateId: campaigns.templateId,
      })
      .from(campaignRecipients)
      .innerJoin(campaigns, and(eq(campaigns.tenantId, campaignRecipients.tenantId), eq(campaigns.id, campaignRecipients.campaignId)))
      .where(and(
        eq(campaignRecipients.status, 'queued'), lte(campaignRecipients.sendAfter, at), isNull(campaignRecipients.outboxMessageId),
        inArray(campaigns.status, ['queueing', 'sending']),
      ))
      .orderBy(asc(campaignRecipients.sendAfter))
      .limit(limit)
      .for('update', { of: campaignRecipients, skipLocked: true });
    let queued = 0;
    let held = 0;
    // Grouped by campaign: one template, brand and consent query per campaign of the batch.
    const byCampaign = new Map<string, typeof due>();
    for (const r of due) byCampaign.set(r.campaignId, [...(byCampaign.get(r.campaignId) ?? []), r]);
    for (const [campaignId, rows] of byCampaign) {
      const { tenantId, channel, templateId } = rows[0]!;
      const [template] = await tx.select().from(messageTemplates).where(and(eq(messageTemplates.tenantId, tenantId), eq(messageTemplates.id, templateId)));
      const clinic = await loadClinicEmailBrand(tx, tenantId);
      const decisions = await contactDecisions(tx, tenantId, rows.map((r) => r.patientId), channel, 'marketing');
      const languages = new Map((await tx.select({ id: patients.id, language: patients.preferredLanguage }).from(patients)
        .where(and(eq(patients.tenantId, tenantId), inArray(patients.id, rows.map((r) => r.patientId))))).map((p) => [p.id, p.language]));
      for (const row of rows) {
        const where = and(eq(campaignRecipients.tenantId, tenantId), eq(campaignRecipients.id, row.id));
        const decision = decisions.get(row.patientId);
        if (!template || !clinic || !decision?.ok) {
          await tx.update(campaignRecipients).set({ status: 'suppressed', sendAfter: null }).where(where);
          held += 1;
          continue;
        }
        const language = pickTemplateLanguage(template.content, languages.get(row.patientId));
        const values = await loadPlaceholderValues(tx, tenantId, { patientId: row.patientId, eventName: 'campaign', subject: {}, language });
        const message = renderTemplateMessage({ template, language, values, clinic });
        const key = `campaign:${campaignId}:${row.patientId}`;
        await enqueueMessage(tx, {
          tenantId, channel, recipient: decision.address, body: message.text, idempotencyKey: key, purpose: 'marketing', patientId: row.patientId,
          ...(message.channel === 'email' ? { subject: message.subject, html: message.html } : {}),
        });
        const [outbox] = await tx.select({ id: outboxMessages.id }).from(outboxMessages)
          .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.idempotencyKey, key)));
        await tx.update(campaignRecipients).set({ outboxMessageId: outbox!.id, address: decision.address, sendAfter: null }).where(where);
        queued += 1;
      }
    }
    return { queued, held };
  });
  // Campaigns fully handed over are sent (recipients' delivery is followed on their own rows).
  const finished = await db
    .update(campaigns)
    .set({ status: 'sent', finishedAt: at, updatedAt: at })
    .where(and(
      eq(campaigns.status, 'sending'),
      notExists(db.select({ one: sql`1` }).from(campaignRecipients).where(and(
        eq(campaignRecipients.tenantId, campaigns.tenantId), eq(campaignRecipients.campaignId, campaigns.id),
        eq(campaignRecipients.status, 'queued'), isNull(campaignRecipients.outboxMessageId),
      ))),
    ))
    .returning({ id: campaigns.id });
  return { campaignMessagesQueued: result.queued, campaignRecipientsHeld: result.held, campaignsFinished: finished.length };
}
