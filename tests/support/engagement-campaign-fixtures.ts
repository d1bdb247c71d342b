/**
 * Campaigns for the send-time and provider-webhook suites (issue 18, points 7–8): a campaign
 * with its template and segment, and recipients queued the way the campaign queue queues them (a
 * marketing message in the outbox naming its patient, and the recipient row pointing at it).
 * Rows are written directly, so a change in the code under test cannot break the set-up.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { campaignRecipients, campaigns, messageTemplates, outboxMessages, segments, type Campaign, type CampaignRecipient } from '@/db/schema';
import { enqueueMessage } from '@/lib/outbox/enqueue';

export async function createCampaign(tenantId: string, channel: 'email' | 'sms' = 'email'): Promise<Campaign> {
  const db = getDb();
  const tag = randomBytes(3).toString('hex');
  const [template] = await db.insert(messageTemplates).values({
    tenantId, name: `Spring ${tag}`, channel, purpose: 'marketing',
    content: { en: channel === 'email' ? { subject: 'Spring offers', body: 'Our spring offers.' } : { body: 'Spring offers at the clinic.' } },
  }).returning();
  const [segment] = await db.insert(segments).values({ tenantId, name: `Everyone ${tag}`, filter: {} }).returning();
  const [campaign] = await db.insert(campaigns).values({
    tenantId, name: `Spring ${tag}`, channel, templateId: template!.id, segmentId: segment!.id, status: 'sending',
  }).returning();
  return campaign!;
}

/** Queues the campaign's message to one patient: its outbox row (marketing, naming the patient) and its recipient row. */
export async function queueRecipient(campaign: Campaign, patient: { id: string }, address: string): Promise<{ recipient: CampaignRecipient; outboxId: string; key: string }> {
  const db = getDb();
  const key = `campaign:${campaign.id}:${patient.id}`;
  await enqueueMessage(db, {
    tenantId: campaign.tenantId, channel: campaign.channel, recipient: address, purpose: 'marketing', patientId: patient.id,
    subject: campaign.channel === 'email' ? 'Spring offers' : undefined, body: 'Our spring offers.', idempotencyKey: key,
  });
  const [outbox] = await db.select({ id: outboxMessages.id }).from(outboxMessages)
    .where(and(eq(outboxMessages.tenantId, campaign.tenantId), eq(outboxMessages.idempotencyKey, key)));
  const [recipient] = await db.insert(campaignRecipients).values({
    tenantId: campaign.tenantId, campaignId: campaign.id, patientId: patient.id, address, status: 'queued',
    sendAfter: new Date(), outboxMessageId: outbox!.id,
  }).returning();
  return { recipient: recipient!, outboxId: outbox!.id, key };
}

export async function recipientRow(id: string): Promise<CampaignRecipient> {
  const [row] = await getDb().select().from(campaignRecipients).where(eq(campaignRecipients.id, id));
  return row!;
}
