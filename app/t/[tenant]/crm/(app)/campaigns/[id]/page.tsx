import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CampaignAutoRefresh } from '@/components/engagement/campaigns/campaign-auto-refresh';
import { CampaignForm } from '@/components/engagement/campaigns/campaign-form';
import { CAMPAIGN_CHANNEL_LABELS } from '@/components/engagement/campaigns/campaign-form-schemas';
import { CampaignReportTable } from '@/components/engagement/campaigns/campaign-report-table';
import { CampaignStatusBadge } from '@/components/engagement/campaigns/campaign-status-badge';
import { formatClinicInstant } from '@/components/engagement/campaigns/campaign-time';
import { CancelCampaignButton } from '@/components/engagement/campaigns/cancel-campaign-button';
import { SendCampaignForm } from '@/components/engagement/campaigns/send-campaign-form';
import { FormMessage } from '@/components/ui/form-controls';
import { Page } from '@/components/ui/page';
import { CardSection, FormSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import type { Campaign } from '@/db/schema';
import { NotFoundError, type StaffContext } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { getCampaign } from '@/lib/engagement/campaigns/campaigns';
import { campaignReport } from '@/lib/engagement/campaigns/report';
import { getSegment } from '@/lib/engagement/segments/segments';
import { getTemplate } from '@/lib/engagement/templates/templates';
import { addDays, zonedDate } from '@/lib/scheduling/zoned-time';
import { cancelCampaignAction, sendCampaignAction, updateCampaignAction } from '../actions';
import { campaignFormOptions } from '../form-options';

export const metadata: Metadata = { title: 'Campaign' };

const linkClass = 'link';
const DONE: Record<string, string> = {
  created: 'Draft created. Check the preview, then send it or schedule it below.',
  sent: 'On its way: it starts within a few minutes, at its pace. The report below fills in as it sends.',
  scheduled: 'Scheduled. Until then you can cancel the send and change the campaign.',
};
/** A campaign due this soon refreshes its page: the send may start any moment. */
const SOON_MS = 15 * 60_000;

/**
 * /crm/campaigns/[id] (campaigns.manage). A draft: its settings (the form, with the preview and
 * the segment's count) and "Send" (now or at a time, with a review). Scheduled: when, and cancel
 * back to a draft. Once it goes: the report, refreshed while it sends, and "Stop sending". Another
 * clinic's campaign is not found.
 */
export default async function CampaignPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const [{ id }, { done }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const [campaign, timeZone] = await Promise.all([getCampaign(db, ctx, id), clinicTimeZone(db, ctx.tenant.id)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/campaigns" className={linkClass}>Campaigns</Link>
    </nav>
  );
  const title = <span className="flex flex-wrap items-center gap-3 break-words">{campaign.name} <CampaignStatusBadge status={campaign.status} /></span>;
  const notice = done && DONE[done] ? <FormMessage tone="info" message={DONE[done]} /> : null;

  if (campaign.status === 'draft') {
    const options = await campaignFormOptions(db, ctx, campaign);
    const today = zonedDate(now(), timeZone);
    return (
      <Page title={title} above={back} description="A draft: change anything below, then send it now or schedule it.">
        {notice}
        <CampaignForm action={updateCampaignAction} target={{ mode: 'update', campaignId: campaign.id }} options={options} submitLabel="Save draft"
          values={{ name: campaign.name, channel: campaign.channel, templateId: campaign.templateId, segmentId: campaign.segmentId, quietStart: campaign.quietStart, quietEnd: campaign.quietEnd, ratePerMinute: campaign.ratePerMinute }} />
        <FormSection id="send-heading" title="Send" description="Save changes to the settings first: the saved draft is what goes out.">
          <SendCampaignForm action={sendCampaignAction} campaignId={campaign.id} channel={campaign.channel} timeZone={timeZone}
            suggested={{ sendDate: addDays(today, 1), sendTime: '09:00' }} />
        </FormSection>
      </Page>
    );
  }

  const [summary, report] = await Promise.all([
    campaignSummary(db, ctx, campaign, timeZone),
    campaign.status === 'scheduled' ? null : campaignReport(db, ctx, campaign.id),
  ]);
  const sending = campaign.status === 'queueing' || campaign.status === 'sending';
  const startingSoon = campaign.status === 'scheduled' && campaign.sendAt !== null && campaign.sendAt.getTime() - now().getTime() < SOON_MS;
  const description = {
    scheduled: 'Scheduled: nothing has gone out yet.',
    queueing: 'Sending: the segment’s patients are being listed.',
    sending: 'Sending, at its pace.',
    sent: 'Sent: every message was handed over. Delivery, opens and clicks keep arriving.',
    cancelled: 'Stopped: messages not handed over before it stopped were not sent.',
  }[campaign.status];

  return (
    <Page title={title} above={back} description={description}>
      {notice}
      {sending || startingSoon ? <CampaignAutoRefresh href={`/crm/campaigns/${campaign.id}`} /> : null}
      <CardSection id="summary-heading" title="Campaign">
        <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
          {summary.map(([term, value]) => (
            <div key={term} className="contents">
              <dt className="text-fg-muted">{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </CardSection>
      {campaign.status === 'scheduled' ? (
        <CardSection id="cancel-heading" title="Cancel the send">
          <div className="mt-3">
            <CancelCampaignButton action={cancelCampaignAction} campaignId={campaign.id} label="Cancel the send"
              hint="It goes back to a draft: nothing is sent, and you can change it and send it again." />
          </div>
        </CardSection>
      ) : null}
      {report ? (
        <CardSection id="report-heading" title="Report" description="How many patients each count holds; never who.">
          <div className="mt-3"><CampaignReportTable report={report} channel={campaign.channel} /></div>
        </CardSection>
      ) : null}
      {sending ? (
        <CardSection id="stop-heading" title="Stop sending">
          <div className="mt-3">
            <CancelCampaignButton action={cancelCampaignAction} campaignId={campaign.id} label="Stop sending"
              hint="Messages not yet handed over are not sent; those already handed over still go. A stopped campaign cannot be restarted." />
          </div>
        </CardSection>
      ) : null}
    </Page>
  );
}

/** The campaign's settings in words, for a campaign no longer a draft. */
async function campaignSummary(db: ReturnType<typeof getDb>, ctx: StaffContext, campaign: Campaign, timeZone: string): Promise<[string, React.ReactNode][]> {
  const [template, segment] = await Promise.all([getTemplate(db, ctx, campaign.templateId), getSegment(db, ctx, campaign.segmentId)]);
  const at = campaign.sendAt ? formatClinicInstant(campaign.sendAt, timeZone) : null;
  const rows: [string, React.ReactNode][] = [
    ['Sent as', CAMPAIGN_CHANNEL_LABELS[campaign.channel]],
    ['Template', <Link key="t" href={`/crm/templates/${template.id}`} className={linkClass}>{template.name}</Link>],
    ['Segment', <Link key="s" href={`/crm/segments/${segment.id}`} className={linkClass}>{segment.name}</Link>],
    [campaign.status === 'scheduled' ? 'Sends' : 'Started', at && campaign.sendAt!.getTime() <= now().getTime() && campaign.status === 'scheduled' ? `${at} (within a few minutes)` : at ?? '—'],
  ];
  if (campaign.finishedAt) rows.push([campaign.status === 'cancelled' ? 'Stopped' : 'Finished', formatClinicInstant(campaign.finishedAt, timeZone)]);
  if (campaign.channel === 'sms') {
    rows.push(['Quiet hours', campaign.quietStart === campaign.quietEnd ? 'Off' : `${campaign.quietStart}–${campaign.quietEnd} in each patient’s time zone`]);
  }
  rows.push(['Pace', `${campaign.ratePerMinute.toLocaleString('en-US')} a minute`]);
  return rows;
}
