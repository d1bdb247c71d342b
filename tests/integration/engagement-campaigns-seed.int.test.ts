import { and, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, campaigns, messageTemplates, outboxMessages, patients, segments, staffUsers, tenants } from '@/db/schema';
import { scheduleCampaign } from '@/lib/engagement/campaigns/campaigns';
import { queueCampaigns } from '@/lib/engagement/campaigns/queue';
import { campaignReport } from '@/lib/engagement/campaigns/report';
import { sendDueCampaignMessages } from '@/lib/engagement/campaigns/send';
import { demoStaffContext } from '@/scripts/demo-seed/contexts';

/**
 * The demo's draft campaign (issue 18 "Sunrise has a segment, a draft campaign"): Sunrise has one
 * draft email campaign to "Seen in the last year" with a marketing template in English and
 * Spanish, made once by its marketing lead through the product's functions; Harbor has none. Sent,
 * it reaches Maria (who said yes to marketing by email) in Spanish, and leaves out the patients
 * who did not; seeding again after that makes no second draft.
 */

const db = () => getDb();
const seed = async () => (await import('@/scripts/demo-seed')).seedDemoData(db());

async function clinic(slug: string) {
  const [row] = await db().select().from(tenants).where(eq(tenants.slug, slug));
  return row!;
}

beforeAll(async () => {
  await seed();
  await seed();
}, 240_000);

describe('campaigns demo seed', () => {
  it('gives Sunrise one draft email campaign to “Seen in the last year” that reaches Maria, and no second one once it is sent', async () => {
    const sunrise = await clinic('sunrise');
    const rows = await db()
      .select({ id: campaigns.id, name: campaigns.name, status: campaigns.status, channel: campaigns.channel, segment: segments.name, template: messageTemplates.name, purpose: messageTemplates.purpose, content: messageTemplates.content, by: staffUsers.email })
      .from(campaigns)
      .innerJoin(segments, and(eq(segments.tenantId, campaigns.tenantId), eq(segments.id, campaigns.segmentId)))
      .innerJoin(messageTemplates, and(eq(messageTemplates.tenantId, campaigns.tenantId), eq(messageTemplates.id, campaigns.templateId)))
      .leftJoin(staffUsers, eq(staffUsers.id, campaigns.createdByStaffId))
      .where(eq(campaigns.tenantId, sunrise.id));
    expect(rows).toHaveLength(1);
    const [draft] = rows;
    expect(draft).toMatchObject({
      name: 'Spring check-up invitation', status: 'draft', channel: 'email', segment: 'Seen in the last year', template: 'Spring check-up invitation', purpose: 'marketing', by: 'marketing@sunrise.test',
    });
    expect(Object.keys(draft!.content).sort()).toEqual(['en', 'es']);
    const audited = await db().select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.tenantId, sunrise.id), eq(auditLog.targetId, draft!.id)));
    expect(audited).toEqual([{ action: 'engagement.campaign_created' }]);
    expect(await db().select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.tenantId, (await clinic('harbor')).id))).toEqual([]);

    // Sent now: Maria gets it in her language; the patients who never said yes are left out.
    const admin = await demoStaffContext(db(), sunrise, 'admin@sunrise.test');
    await scheduleCampaign(db(), admin, draft!.id, null);
    await queueCampaigns(db());
    await sendDueCampaignMessages(db());
    const [maria] = await db().select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, sunrise.id), eq(patients.recordNumber, 'SUN-10001')));
    const messages = await db().select().from(outboxMessages)
      .where(and(eq(outboxMessages.tenantId, sunrise.id), like(outboxMessages.idempotencyKey, `campaign:${draft!.id}:%`)));
    expect(messages).toEqual([expect.objectContaining({
      recipient: 'maria.lopez@sunrise.test', patientId: maria!.id, purpose: 'marketing', subject: expect.stringMatching(/^Es hora de su revisión de primavera en Sunrise/),
    })]);
    const report = await campaignReport(db(), admin, draft!.id);
    expect(report.handedOver + report.sent).toBe(1);
    expect(report.excluded.noConsent).toBeGreaterThan(0);

    await seed();
    expect(await db().select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.tenantId, sunrise.id))).toHaveLength(1);
  }, 240_000);
});
