import { and, asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { campaignRecipients, campaigns, locations, messageTemplates, outboxMessages, patients, segments } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { cancelCampaign, createCampaign, scheduleCampaign } from '@/lib/engagement/campaigns/campaigns';
import { queueCampaigns } from '@/lib/engagement/campaigns/queue';
import { campaignReport } from '@/lib/engagement/campaigns/report';
import { sendDueCampaignMessages } from '@/lib/engagement/campaigns/send';
import { recordConsent } from '@/lib/engagement/consent';
import { suppress } from '@/lib/engagement/suppressions';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * Campaigns against Postgres (issue 18 points 6–8): queued page by page with each patient queued
 * or excluded with the reason, handed to the outbox at their slot as marketing with the patient's
 * words, consent checked again at send time, SMS held past quiet hours in the clinic's zone, each
 * patient written and sent once with two runners, and the report's counts.
 */

const db = () => getDb();
afterEach(() => setClockForTests(undefined));

const AT = new Date('2030-03-02T15:00:00Z'); // 09:00 in Chicago

async function campaignClinic() {
  setClockForTests(() => AT);
  const tenant = await createTestTenant();
  await db().insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: 'America/Chicago' });
  const staff = await createStaffContext(tenant, 'marketing');
  const rows = await db().insert(patients).values([
    { tenantId: tenant.id, recordNumber: 'C-1', firstName: 'Ana', lastName: 'Yes', dateOfBirth: '1980-01-01', email: 'ana@example.test', phone: '+13125550101', preferredLanguage: 'es' },
    { tenantId: tenant.id, recordNumber: 'C-2', firstName: 'Ben', lastName: 'Silent', dateOfBirth: '1980-01-01', email: 'ben@example.test', phone: '+13125550102' },
    { tenantId: tenant.id, recordNumber: 'C-3', firstName: 'Cy', lastName: 'NoEmail', dateOfBirth: '1980-01-01', phone: '+13125550103' },
    { tenantId: tenant.id, recordNumber: 'C-4', firstName: 'Di', lastName: 'Bounced', dateOfBirth: '1980-01-01', email: 'di@example.test', phone: '+13125550104' },
    { tenantId: tenant.id, recordNumber: 'C-5', firstName: 'Eve', lastName: 'Later', dateOfBirth: '1980-01-01', email: 'eve@example.test', phone: '+13125550105' },
  ]).returning({ id: patients.id, firstName: patients.firstName });
  const id = (name: string) => rows.find((r) => r.firstName === name)!.id;
  for (const name of ['Ana', 'Cy', 'Di', 'Eve']) {
    for (const channel of ['email', 'sms'] as const) {
      await recordConsent(db(), tenant.id, { patientId: id(name), channel, purpose: 'marketing', granted: true, source: 'seed' });
    }
  }
  await db().transaction((tx) => suppress(tx, tenant.id, 'email', 'di@example.test', 'bounced'));
  const [everyone] = await db().insert(segments).values({ tenantId: tenant.id, name: 'Everyone', filter: { conditions: [] } }).returning();
  const [email, sms] = await db().insert(messageTemplates).values([
    { tenantId: tenant.id, name: 'Spring news', channel: 'email', purpose: 'marketing', content: {
      en: { subject: 'News from {{clinic.name}}', body: 'Hello {{patient.firstName}}, spring hours are here.' },
      es: { subject: 'Noticias de {{clinic.name}}', body: 'Hola {{patient.firstName}}, llega el horario de primavera.' },
    } },
    { tenantId: tenant.id, name: 'Spring text', channel: 'sms', purpose: 'marketing', content: { en: { body: 'Hi {{patient.firstName}}: spring hours at {{clinic.name}}.' } } },
  ]).returning();
  const base = { segmentId: everyone!.id, quietStart: '21:00', quietEnd: '08:00', ratePerMinute: 60 };
  return { tenant, staff, id, emailInput: { ...base, name: 'Spring email', channel: 'email' as const, templateId: email!.id }, smsInput: { ...base, name: 'Spring SMS', channel: 'sms' as const, templateId: sms!.id } };
}

async function recipientsOf(tenantId: string, campaignId: string) {
  return db().select().from(campaignRecipients).where(and(eq(campaignRecipients.tenantId, tenantId), eq(campaignRecipients.campaignId, campaignId))).orderBy(asc(campaignRecipients.sendAfter));
}

async function campaignMessages(tenantId: string, campaignId: string) {
  return db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenantId), sql`${outboxMessages.idempotencyKey} like ${`campaign:${campaignId}:%`}`));
}

describe('campaigns', () => {
  it('queues the segment with reasons, sends at the rate as marketing in each patient’s words, once with two runners, and reports', async () => {
    const c = await campaignClinic();
    const { id: campaignId } = await createCampaign(db(), c.staff, c.emailInput);
    await scheduleCampaign(db(), c.staff, campaignId, null);
    // Two runners queueing at once, in pages of two: every patient once.
    await Promise.all([queueCampaigns(db(), AT, { pageSize: 2 }), queueCampaigns(db(), AT, { pageSize: 2 })]);
    await queueCampaigns(db(), AT, { pageSize: 2 });
    const recipients = await recipientsOf(c.tenant.id, campaignId);
    expect(recipients).toHaveLength(5);
    const byPatient = new Map(recipients.map((r) => [r.patientId, r]));
    expect(byPatient.get(c.id('Ben'))).toMatchObject({ status: 'excluded', exclusionReason: 'no_consent' });
    expect(byPatient.get(c.id('Cy'))).toMatchObject({ status: 'excluded', exclusionReason: 'no_address' });
    expect(byPatient.get(c.id('Di'))).toMatchObject({ status: 'excluded', exclusionReason: 'suppressed' });
    const queued = recipients.filter((r) => r.status === 'queued');
    expect(queued.map((r) => r.patientId).sort()).toEqual([c.id('Ana'), c.id('Eve')].sort());
    // 60 a minute: one second apart.
    expect(queued[1]!.sendAfter!.getTime() - queued[0]!.sendAfter!.getTime()).toBe(1000);
    expect((await db().select().from(campaigns).where(eq(campaigns.id, campaignId)))[0]!.status).toBe('sending');

    // Eve unsubscribes after queueing: held back when her turn comes.
    await recordConsent(db(), c.tenant.id, { patientId: c.id('Eve'), channel: 'email', purpose: 'marketing', granted: false, source: 'portal' });
    const later = new Date(AT.getTime() + 60_000);
    await Promise.all([sendDueCampaignMessages(db(), later), sendDueCampaignMessages(db(), later)]);
    await sendDueCampaignMessages(db(), later);
    const messages = await campaignMessages(c.tenant.id, campaignId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ recipient: 'ana@example.test', purpose: 'marketing', patientId: c.id('Ana'), channel: 'email' });
    // Ana reads Spanish.
    expect(messages[0]!.body).toContain('Hola Ana');
    expect((await recipientsOf(c.tenant.id, campaignId)).find((r) => r.patientId === c.id('Eve'))!.status).toBe('suppressed');
    expect((await db().select().from(campaigns).where(eq(campaigns.id, campaignId)))[0]!.status).toBe('sent');

    const report = await campaignReport(db(), c.staff, campaignId);
    expect(report).toMatchObject({ recipients: 5, excluded: { noConsent: 1, suppressed: 1, noAddress: 1, total: 3 }, heldAtSend: 1, waiting: 0 });
    expect(report.handedOver + report.sent).toBe(1);
  });

  it('holds texts past quiet hours in the clinic’s zone, and a scheduled campaign waits for its time', async () => {
    const c = await campaignClinic();
    const { id: campaignId } = await createCampaign(db(), c.staff, c.smsInput);
    // 22:30 in Chicago: inside 21:00–08:00.
    const sendAt = new Date('2030-03-03T04:30:00Z');
    await scheduleCampaign(db(), c.staff, campaignId, sendAt);
    await queueCampaigns(db(), AT);
    expect(await recipientsOf(c.tenant.id, campaignId)).toHaveLength(0);
    await queueCampaigns(db(), sendAt);
    const queued = (await recipientsOf(c.tenant.id, campaignId)).filter((r) => r.status === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    // 08:00 in Chicago the next morning (CST, UTC−6), and not before.
    for (const r of queued) expect(r.sendAfter!.getTime()).toBeGreaterThanOrEqual(new Date('2030-03-03T14:00:00Z').getTime());
    await sendDueCampaignMessages(db(), new Date('2030-03-03T13:59:00Z'));
    expect(await campaignMessages(c.tenant.id, campaignId)).toHaveLength(0);
    await sendDueCampaignMessages(db(), new Date('2030-03-03T14:05:00Z'));
    expect((await campaignMessages(c.tenant.id, campaignId)).length).toBe(queued.length);
  });

  it('only a marketing template of the channel; a cancel stops what was not handed over', async () => {
    const c = await campaignClinic();
    const [care] = await db().insert(messageTemplates).values({ tenantId: c.tenant.id, name: 'Care', channel: 'email', purpose: 'care', content: { en: { subject: 'x', body: 'y' } } }).returning();
    await expect(createCampaign(db(), c.staff, { ...c.emailInput, templateId: care!.id })).rejects.toMatchObject({ fieldErrors: { templateId: expect.stringContaining('marketing') } });
    await expect(createCampaign(db(), c.staff, { ...c.emailInput, templateId: c.smsInput.templateId })).rejects.toMatchObject({ fieldErrors: { templateId: expect.any(String) } });
    const other = await createTestTenant();
    await expect(createCampaign(db(), await createStaffContext(other, 'marketing'), c.emailInput)).rejects.toMatchObject({ fieldErrors: { templateId: expect.any(String), segmentId: expect.any(String) } });

    const { id: campaignId } = await createCampaign(db(), c.staff, { ...c.emailInput, ratePerMinute: 1 });
    await scheduleCampaign(db(), c.staff, campaignId, null);
    await queueCampaigns(db(), AT);
    await sendDueCampaignMessages(db(), AT);
    expect(await campaignMessages(c.tenant.id, campaignId)).toHaveLength(1);
    expect(await cancelCampaign(db(), c.staff, campaignId)).toBe('cancelled');
    await sendDueCampaignMessages(db(), new Date(AT.getTime() + 3_600_000));
    expect(await campaignMessages(c.tenant.id, campaignId)).toHaveLength(1);
    expect((await campaignReport(db(), c.staff, campaignId)).waiting).toBe(1);
  });
});
