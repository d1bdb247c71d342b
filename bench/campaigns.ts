import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { queueCampaigns } from '@/lib/engagement/campaigns/queue';
import { sendDueCampaignMessages } from '@/lib/engagement/campaigns/send';
import type { BatchResult } from './report';

/**
 * The campaign batch (issue 18's benchmark): a marketing email to a segment of 100,000 patients
 * of one clinic, queued by the product's own job (lib/engagement/campaigns/queue.ts) pass after
 * pass as the worker would run it, timed from the first pass until the campaign is `sending`, with
 * the process's live heap sampled after every pass (flat memory: the job holds one page at a time;
 * `npm run bench` runs Node with --expose-gc so the sample is taken after a collection) and its
 * resident set size with it (reported at its peak: what the machine gives the process). Then
 * the sending job is run for the campaign's first two minutes of slots, to show it hands over what
 * the rate allows and no more. A check in SQL: one recipient row per patient, every one queued.
 */

export const CAMPAIGN_PATIENTS = 100_000;
const RATE_PER_MINUTE = 1_000;
const TAG = 'campaign-bench';

async function prepare(databaseUrl: string, count: number, at: Date): Promise<{ tenantId: string; campaignId: string }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const [tenant] = await tx`select id from tenants where slug = 'sunrise'` as [{ id: string }?];
      if (!tenant) throw new Error('campaign batch: the demo clinic sunrise is missing');
      const tenantId = tenant.id;
      const [{ have }] = await tx`select count(*)::int as have from patients where tenant_id = ${tenantId} and record_number like 'CB%'` as [{ have: number }];
      if (have < count) {
        await tx`
          insert into patients (tenant_id, record_number, first_name, last_name, date_of_birth, sex, email, city)
          select ${tenantId}, 'CB' || lpad(g::text, 6, '0'), 'Campaign', 'Bench ' || g, date '1970-01-01' + (g % 15000), 'unknown',
            'campaign' || g || '@bench.test', 'Springfield'
          from generate_series(${have + 1}::int, ${count}::int) g
          on conflict do nothing`;
      }
      // Fresh statistics, or the planner takes the 100,000 new rows for none and loops over them.
      await tx`analyze patients`;
      await tx`
        insert into patient_tags (tenant_id, patient_id, tag)
        select ${tenantId}, id, ${TAG} from patients where tenant_id = ${tenantId} and record_number like 'CB%'
        on conflict do nothing`;
      await tx`analyze patient_tags`;
      // Nine in ten said yes to marketing email; the rest are left out with the reason.
      await tx`
        insert into patient_consents (tenant_id, patient_id, channel, purpose, granted, source)
        select ${tenantId}, p.id, 'email', 'marketing', (substr(p.record_number, 3)::int % 10) <> 0, 'import'
        from patients p
        where p.tenant_id = ${tenantId} and p.record_number like 'CB%'
          and not exists (select 1 from patient_consents c where c.tenant_id = p.tenant_id and c.patient_id = p.id and c.channel = 'email' and c.purpose = 'marketing')`;
      const [segment] = await tx`
        insert into segments (tenant_id, name, filter) values (${tenantId}, 'Campaign bench', ${tx.json({ conditions: [{ kind: 'tag', op: 'has', tag: TAG }] })})
        on conflict (tenant_id, lower(name)) do update set filter = excluded.filter returning id` as [{ id: string }];
      const [template] = await tx`
        insert into message_templates (tenant_id, name, channel, purpose, content)
        values (${tenantId}, 'Campaign bench', 'email', 'marketing', ${tx.json({ en: { subject: 'News from {{clinic.name}}', body: 'Hello {{patient.firstName}}, our spring hours are here.' } })})
        on conflict (tenant_id, lower(name)) do update set content = excluded.content returning id` as [{ id: string }];
      // Earlier runs' campaigns stop, so the sending measured is this one's alone.
      await tx`update campaigns set status = 'cancelled', finished_at = now() where tenant_id = ${tenantId} and name like 'Campaign bench %' and status in ('scheduled', 'queueing', 'sending')`;
      const [campaign] = await tx`
        insert into campaigns (tenant_id, name, channel, template_id, segment_id, status, send_at, rate_per_minute)
        values (${tenantId}, ${`Campaign bench ${at.toISOString()}`}, 'email', ${template!.id}, ${segment!.id}, 'scheduled', ${at.toISOString()}::timestamptz, ${RATE_PER_MINUTE})
        returning id` as [{ id: string }];
      return { tenantId, campaignId: campaign!.id };
    });
  } finally {
    await sql.end();
  }
}

/** Queueing (with the heap's growth) and the first two minutes of sending (with what the rate allows). */
export async function runCampaignBatch(databaseUrl: string, options: { count?: number; log?: (line: string) => void } = {}): Promise<BatchResult[]> {
  const count = options.count ?? CAMPAIGN_PATIENTS;
  const log = options.log ?? (() => {});
  const at = new Date();
  const { tenantId, campaignId } = await prepare(databaseUrl, count, at);
  const analyze = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await analyze`analyze patients`;
  await analyze`analyze patient_tags`;
  await analyze`analyze patient_consents`;
  await analyze.end();
  const handle = openDatabase({ url: databaseUrl, maxConnections: 2 });
  let queueSeconds = 0;
  let queuePasses = 0;
  let queueStatements = 0;
  let peak = 0;
  let peakRss = 0;
  let sendSeconds = 0;
  let sendStatements = 0;
  let handedOver = 0;
  let sendPasses = 0;
  try {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const before = handle.queryCount();
    const started = performance.now();
    for (;;) {
      // One page a pass, as the job's loop would; it says when no page was left to write.
      const result = await queueCampaigns(handle.db, at, { pages: 1 });
      queuePasses++;
      // Live memory, not garbage not yet collected: a leak shows, a busy collector does not.
      global.gc?.();
      const memory = process.memoryUsage();
      peak = Math.max(peak, memory.heapUsed - heapBefore);
      // The whole process as the machine sees it (heap, buffers, the driver's), at its highest.
      peakRss = Math.max(peakRss, memory.rss);
      if (result.campaignPagesWaiting === 0) break;
      if (queuePasses % 20 === 0) log(`  ${queuePasses} pages queued in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      if (queuePasses > count / 100 + 10) throw new Error('campaign batch: queueing is not finishing');
    }
    queueSeconds = (performance.now() - started) / 1000;
    queueStatements = handle.queryCount() - before;

    // The first two minutes of slots, as the sending job would meet them.
    const sendBefore = handle.queryCount();
    const sendStarted = performance.now();
    const twoMinutesIn = new Date(at.getTime() + 120_000);
    for (;;) {
      const sent = await sendDueCampaignMessages(handle.db, twoMinutesIn);
      sendPasses++;
      handedOver += sent.campaignMessagesQueued;
      if (sent.campaignMessagesQueued + sent.campaignRecipientsHeld === 0) break;
    }
    sendSeconds = (performance.now() - sendStarted) / 1000;
    sendStatements = handle.queryCount() - sendBefore;
  } finally {
    await handle.close();
  }
  const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let wrong = 0;
  let queued = 0;
  try {
    const [row] = await check`
      select count(*)::int as rows, count(distinct patient_id)::int as patients, count(*) filter (where status <> 'excluded')::int as queued,
        (select count(*)::int from patients where tenant_id = ${tenantId} and record_number like 'CB%') as expected
      from campaign_recipients where tenant_id = ${tenantId} and campaign_id = ${campaignId}`;
    queued = Number(row!.queued);
    wrong = Math.abs(Number(row!.rows) - Number(row!.expected)) + Math.abs(Number(row!.rows) - Number(row!.patients));
    if (wrong > 0) log(`  check: ${row!.rows} recipient rows for ${row!.patients} patients, ${row!.expected} expected`);
    // The bench's messages are not for delivery: the outbox rows it made are removed.
    await check`delete from outbox_messages where tenant_id = ${tenantId} and idempotency_key like ${`campaign:${campaignId}:%`}`;
  } finally {
    await check.end();
  }
  const rows = count;
  return [
    {
      name: `Campaign queueing (${rows} patients, ${queued} with consent; 1,000 a page)`, items: rows, seconds: queueSeconds, perSecond: queueSeconds > 0 ? rows / queueSeconds : 0,
      statementsPerItem: rows > 0 ? queueStatements / rows : 0, passes: queuePasses, errors: wrong, peakHeapGrowthMiB: peak / 2 ** 20,
      peakRssMiB: peakRss / 2 ** 20,
    },
    {
      name: `Campaign sending, first 2 minutes of slots at ${RATE_PER_MINUTE}/min`, items: handedOver, seconds: sendSeconds, perSecond: sendSeconds > 0 ? handedOver / sendSeconds : 0,
      statementsPerItem: handedOver > 0 ? sendStatements / handedOver : 0, passes: sendPasses, errors: 0,
      // Slots 0 to 2,000 inclusive fall within the first two minutes.
      rateAllows: 2 * RATE_PER_MINUTE + 1,
    },
  ];
}
