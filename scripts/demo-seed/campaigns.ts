import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { campaigns, messageTemplates, segments, tenants, type TemplateContent } from '@/db/schema';
import { createCampaign } from '@/lib/engagement/campaigns/campaigns';
import { createTemplate } from '@/lib/engagement/templates/templates';
import { demoStaffContext } from './contexts';

/**
 * A demo clinic's draft campaign (issue 18, "Sunrise has a segment, a draft campaign"): a
 * marketing email template and a draft campaign to the "Seen in the last year" segment (seeded by
 * ./segments.ts, found by name), both made through the product's own functions by the clinic's
 * marketing lead, as in CRM → Message templates and CRM → Campaigns. Maria has said yes to
 * marketing by email (./engagement.ts), so sending the draft reaches her inbox with its
 * unsubscribe link. Idempotent: the template is made while the clinic has none of its name, the
 * campaign while it has no campaign of its name (a sent or changed one stays as the demo left it);
 * without the segment, or with the template archived or changed to another kind, nothing is made.
 */

interface DemoCampaign {
  name: string;
  segment: string;
  template: { name: string; content: Record<'en' | 'es', TemplateContent> };
}

const DEMO_CAMPAIGNS: Record<string, { by: string; campaigns: DemoCampaign[] }> = {
  sunrise: {
    by: 'marketing@sunrise.test',
    campaigns: [{
      name: 'Spring check-up invitation',
      segment: 'Seen in the last year',
      template: {
        name: 'Spring check-up invitation',
        content: {
          en: {
            subject: 'Time for your spring check-up at {{clinic.name}}',
            body: 'Hello {{patient.firstName}},\n\nSpring is a good time for a check-up. Book a visit in the portal whenever it suits you:\n{{portal.url}}\n\nThe team at {{clinic.name}}',
          },
          es: {
            subject: 'Es hora de su revisión de primavera en {{clinic.name}}',
            body: 'Hola {{patient.firstName}}:\n\nLa primavera es un buen momento para una revisión. Reserve una cita en el portal cuando le convenga:\n{{portal.url}}\n\nEl equipo de {{clinic.name}}',
          },
        },
      },
    }],
  },
};

const byName = (column: typeof campaigns.name | typeof messageTemplates.name | typeof segments.name, name: string) => eq(sql`lower(${column})`, name.toLowerCase());

export async function seedCampaigns(db: Database, slug: string): Promise<void> {
  const plan = DEMO_CAMPAIGNS[slug];
  if (!plan) return;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return;
  let by: Awaited<ReturnType<typeof demoStaffContext>> | undefined;
  for (const demo of plan.campaigns) {
    const [existing] = await db.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.tenantId, tenant.id), byName(campaigns.name, demo.name)));
    if (existing) continue;
    const [segment] = await db.select({ id: segments.id }).from(segments)
      .where(and(eq(segments.tenantId, tenant.id), byName(segments.name, demo.segment), isNull(segments.archivedAt)));
    if (!segment) continue;
    by ??= await demoStaffContext(db, tenant, plan.by);
    const [template] = await db.select({ id: messageTemplates.id, channel: messageTemplates.channel, purpose: messageTemplates.purpose, archivedAt: messageTemplates.archivedAt })
      .from(messageTemplates).where(and(eq(messageTemplates.tenantId, tenant.id), byName(messageTemplates.name, demo.template.name)));
    if (template && (template.archivedAt || template.channel !== 'email' || template.purpose !== 'marketing')) continue;
    const templateId = template?.id
      ?? (await createTemplate(db, by, { name: demo.template.name, channel: 'email', purpose: 'marketing', content: demo.template.content })).id;
    await createCampaign(db, by, { name: demo.name, channel: 'email', templateId, segmentId: segment.id, quietStart: '21:00', quietEnd: '08:00', ratePerMinute: 600 });
  }
}
