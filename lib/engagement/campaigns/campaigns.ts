import 'server-only';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { campaigns, messageTemplates, segments, type Campaign, type CampaignStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { EngagementAuditActions } from '../audit-actions';
import type { CampaignInput } from './campaign-input';

/**
 * Marketing campaigns (CRM /crm/campaigns, campaigns.manage; issue 18 point 6): a marketing
 * template of the campaign's channel, a segment, and when — now, or an instant the CRM reads in
 * the clinic's zone — with quiet hours (SMS) and a rate. A draft is edited freely; "send" moves
 * it to scheduled (at its time) and the queueing job (./queue.ts) writes its recipients, then the
 * sending job (./send.ts) hands them to the outbox at the rate. A campaign can be cancelled until
 * it has finished; recipients already handed over still go.
 */

// The form's schema lives beside this file, browser-safe (the CRM's form checks with it too).
export { campaignInputSchema, type CampaignInput } from './campaign-input';

async function checkChoices(db: Executor, tenantId: string, input: CampaignInput): Promise<void> {
  const [[template], [segment]] = await Promise.all([
    db.select({ channel: messageTemplates.channel, purpose: messageTemplates.purpose }).from(messageTemplates)
      .where(and(eq(messageTemplates.tenantId, tenantId), eq(messageTemplates.id, input.templateId), isNull(messageTemplates.archivedAt))),
    db.select({ id: segments.id }).from(segments).where(and(eq(segments.tenantId, tenantId), eq(segments.id, input.segmentId), isNull(segments.archivedAt))),
  ]);
  const fieldErrors: Record<string, string> = {};
  // Only a marketing template: its placeholders were checked to carry nothing about anyone's care.
  if (!template) fieldErrors.templateId = 'Choose one of the clinic’s templates.';
  else if (template.purpose !== 'marketing') fieldErrors.templateId = 'Choose a marketing template: a care template may hold words about a patient’s care.';
  else if (template.channel !== input.channel) fieldErrors.templateId = `Choose ${input.channel === 'email' ? 'an email' : 'a text message'} template.`;
  if (!segment) fieldErrors.segmentId = 'Choose one of the clinic’s segments.';
  if (Object.keys(fieldErrors).length > 0) throw new RuleError('campaign-invalid', 'The campaign was not saved.', fieldErrors);
}

async function lockCampaign(db: Executor, tenantId: string, campaignId: string): Promise<Campaign> {
  const [row] = isUuid(campaignId)
    ? await db.select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, campaignId))).for('update')
    : [];
  if (!row) throw new NotFoundError('campaign');
  return row;
}

export async function createCampaign(db: Executor, ctx: StaffContext, input: CampaignInput): Promise<{ id: string }> {
  assertPermission(ctx, 'campaigns.manage');
  await checkChoices(db, ctx.tenant.id, input);
  return db.transaction(async (tx) => {
    const [made] = await tx.insert(campaigns).values({ tenantId: ctx.tenant.id, ...input, createdByStaffId: ctx.actor.id }).returning({ id: campaigns.id });
    await recordAudit(tx, ctx, { action: EngagementAuditActions.campaignCreated, target: { type: 'campaign', id: made!.id }, details: { channel: input.channel, templateId: input.templateId, segmentId: input.segmentId } });
    return made!;
  });
}

export async function updateCampaign(db: Executor, ctx: StaffContext, campaignId: string, input: CampaignInput): Promise<void> {
  assertPermission(ctx, 'campaigns.manage');
  await checkChoices(db, ctx.tenant.id, input);
  await db.transaction(async (tx) => {
    const current = await lockCampaign(tx, ctx.tenant.id, campaignId);
    if (current.status !== 'draft') throw new RuleError('campaign-not-draft', 'Only a draft can be changed. Cancel the scheduled send first.');
    await tx.update(campaigns).set({ ...input, updatedAt: now() }).where(and(eq(campaigns.tenantId, ctx.tenant.id), eq(campaigns.id, campaignId)));
    await recordAudit(tx, ctx, { action: EngagementAuditActions.campaignUpdated, target: { type: 'campaign', id: campaignId }, details: { channel: input.channel, templateId: input.templateId, segmentId: input.segmentId } });
  });
}

/**
 * Sends a draft now (`sendAt` null) or at an instant in the future (the CRM turns the clinic's
 * wall-clock time into it). The queueing job picks it up at that instant.
 */
export async function scheduleCampaign(db: Executor, ctx: StaffContext, campaignId: string, sendAt: Date | null): Promise<void> {
  assertPermission(ctx, 'campaigns.manage');
  const at = now();
  if (sendAt && sendAt.getTime() < at.getTime() - 60_000) throw new RuleError('campaign-past', 'Choose a time in the future, or send now.', { sendAt: 'This time has passed.' });
  await db.transaction(async (tx) => {
    const current = await lockCampaign(tx, ctx.tenant.id, campaignId);
    if (current.status !== 'draft') throw new RuleError('campaign-not-draft', 'This campaign was already sent or scheduled.');
    await checkChoices(tx, ctx.tenant.id, current);
    await tx.update(campaigns).set({ status: 'scheduled', sendAt: sendAt ?? at, updatedAt: at }).where(and(eq(campaigns.tenantId, ctx.tenant.id), eq(campaigns.id, campaignId)));
    await recordAudit(tx, ctx, { action: EngagementAuditActions.campaignScheduled, target: { type: 'campaign', id: campaignId }, details: { sendAt: (sendAt ?? at).toISOString(), now: sendAt === null } });
  });
}

/**
 * Stops a campaign that has not finished: a scheduled one goes back to a draft (it can be sent
 * later); one queueing or sending is cancelled, and its recipients not yet handed to the outbox are
 * left unsent (the report shows them as not sent).
 */
export async function cancelCampaign(db: Executor, ctx: StaffContext, campaignId: string): Promise<CampaignStatus> {
  assertPermission(ctx, 'campaigns.manage');
  return db.transaction(async (tx) => {
    const current = await lockCampaign(tx, ctx.tenant.id, campaignId);
    const next: CampaignStatus | null = current.status === 'scheduled' ? 'draft' : current.status === 'queueing' || current.status === 'sending' ? 'cancelled' : null;
    if (!next) throw new RuleError('campaign-not-running', current.status === 'draft' ? 'This campaign has not been sent.' : 'This campaign has already finished.');
    await tx.update(campaigns).set({ status: next, sendAt: next === 'draft' ? null : current.sendAt, finishedAt: next === 'cancelled' ? now() : null, updatedAt: now() })
      .where(and(eq(campaigns.tenantId, ctx.tenant.id), eq(campaigns.id, campaignId)));
    await recordAudit(tx, ctx, { action: EngagementAuditActions.campaignCancelled, target: { type: 'campaign', id: campaignId }, details: { from: current.status, to: next } });
    return next;
  });
}

export interface CampaignListRow {
  id: string;
  name: string;
  channel: 'email' | 'sms';
  status: CampaignStatus;
  segmentName: string;
  templateName: string;
  sendAt: Date | null;
  finishedAt: Date | null;
  recipients: number;
  updatedAt: Date;
}

export async function listCampaigns(db: Executor, ctx: StaffContext): Promise<CampaignListRow[]> {
  assertPermission(ctx, 'campaigns.manage');
  return db
    .select({
      id: campaigns.id, name: campaigns.name, channel: campaigns.channel, status: campaigns.status, segmentName: segments.name, templateName: messageTemplates.name,
      sendAt: campaigns.sendAt, finishedAt: campaigns.finishedAt, updatedAt: campaigns.updatedAt,
      recipients: sql<number>`(select count(*)::int from campaign_recipients r where r.tenant_id = ${campaigns.tenantId} and r.campaign_id = ${campaigns.id} and r.status <> 'excluded')`,
    })
    .from(campaigns)
    .innerJoin(segments, and(eq(segments.tenantId, campaigns.tenantId), eq(segments.id, campaigns.segmentId)))
    .innerJoin(messageTemplates, and(eq(messageTemplates.tenantId, campaigns.tenantId), eq(messageTemplates.id, campaigns.templateId)))
    .where(eq(campaigns.tenantId, ctx.tenant.id))
    .orderBy(desc(campaigns.updatedAt), asc(campaigns.id));
}

export async function getCampaign(db: Executor, ctx: StaffContext, campaignId: string): Promise<Campaign> {
  assertPermission(ctx, 'campaigns.manage');
  const [row] = isUuid(campaignId) ? await db.select().from(campaigns).where(and(eq(campaigns.tenantId, ctx.tenant.id), eq(campaigns.id, campaignId))) : [];
  if (!row) throw new NotFoundError('campaign');
  return row;
}
