import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { CAMPAIGN_CHANNEL_LABELS } from '@/components/engagement/campaigns/campaign-form-schemas';
import { CampaignStatusBadge } from '@/components/engagement/campaigns/campaign-status-badge';
import { formatClinicInstant } from '@/components/engagement/campaigns/campaign-time';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listCampaigns, type CampaignListRow } from '@/lib/engagement/campaigns/campaigns';

export const metadata: Metadata = { title: 'Campaigns' };

/** When a campaign goes, went or stopped, on the clinic's clock. */
function whenText(c: CampaignListRow, timeZone: string): string {
  const at = (d: Date | null) => (d ? formatClinicInstant(d, timeZone) : '');
  switch (c.status) {
    case 'draft': return 'Not scheduled';
    case 'scheduled': return `Sends ${at(c.sendAt)}`;
    case 'queueing':
    case 'sending': return `Started ${at(c.sendAt)}`;
    case 'sent': return `Sent ${at(c.finishedAt)}`;
    case 'cancelled': return `Stopped ${at(c.finishedAt)}`;
  }
}

/**
 * /crm/campaigns (campaigns.manage): the clinic's campaigns, latest change first, each with its
 * channel, status, segment, template, when (the clinic's clock) and how many patients it went to.
 */
export default async function CampaignsPage() {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const db = getDb();
  const [rows, timeZone] = await Promise.all([listCampaigns(db, ctx), clinicTimeZone(db, ctx.tenant.id)]);

  return (
    <Page
      title="Campaigns"
      description="Marketing emails and text messages to a segment of the clinic’s patients. Only patients who said yes to marketing on that channel get one; the others are left out and counted in each report."
    >
      <div className="flex justify-end">
        <Link href="/crm/campaigns/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">New campaign</Link>
      </div>
      <CatalogTable
        id="campaigns-heading" title="All campaigns" caption="The clinic’s campaigns, latest change first" items={rows}
        columns={[{ label: 'Name' }, { label: 'Channel' }, { label: 'Status' }, { label: 'Segment' }, { label: 'Template' }, { label: 'When' }, { label: 'Recipients', end: true }]}
        empty={(
          <div className="mx-auto max-w-prose space-y-2">
            <p>No campaigns yet.</p>
            <p>
              A campaign sends a marketing template to a segment. Patients get it only if they said yes to marketing by email or text (in the portal, at
              the desk or on a form); everyone else in the segment is left out. <Link href="/crm/campaigns/new" className={linkClass}>Create the first campaign</Link>.
            </p>
          </div>
        )}
      >
        {(c) => (
          <tr key={c.id}>
            <td className={td}><Link href={`/crm/campaigns/${c.id}`} className={`${linkClass} break-words`}>{c.name}</Link></td>
            <td className={td}>{CAMPAIGN_CHANNEL_LABELS[c.channel]}</td>
            <td className={td}><CampaignStatusBadge status={c.status} /></td>
            <td className={td}>{c.segmentName}</td>
            <td className={td}>{c.templateName}</td>
            <td className={td}>{whenText(c, timeZone)}</td>
            <td className={`${td} text-right tabular-nums`}>
              {c.status === 'draft' || c.status === 'scheduled' ? <><span aria-hidden>—</span><span className="sr-only">Not counted yet</span></> : c.recipients.toLocaleString('en-US')}
            </td>
          </tr>
        )}
      </CatalogTable>
    </Page>
  );
}
