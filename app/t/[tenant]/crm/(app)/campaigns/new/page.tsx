import type { Metadata } from 'next';
import Link from 'next/link';
import { CampaignForm } from '@/components/engagement/campaigns/campaign-form';
import { CAMPAIGN_DEFAULTS } from '@/components/engagement/campaigns/campaign-form-schemas';
import { FormMessage } from '@/components/ui/form-controls';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { createCampaignAction } from '../actions';
import { campaignFormOptions } from '../form-options';

export const metadata: Metadata = { title: 'New campaign' };

/** /crm/campaigns/new (campaigns.manage): the settings of a new draft; it is sent from its own page. */
export default async function NewCampaignPage() {
  const ctx = await requireStaff('crm', 'campaigns.manage');
  const options = await campaignFormOptions(getDb(), ctx);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/campaigns" className="link">Campaigns</Link>
    </nav>
  );
  const missing = [options.templates.length === 0 ? 'a marketing template' : null, options.segments.length === 0 ? 'a segment' : null].filter(Boolean);
  return (
    <Page title="New campaign" above={back} description="Choose the message, who gets it and how fast. It is saved as a draft: you send or schedule it on the next page.">
      {missing.length ? <FormMessage tone="info" message={`A campaign needs ${missing.join(' and ')}: use the links below to create ${missing.length > 1 ? 'them' : 'one'} first.`} /> : null}
      <CampaignForm action={createCampaignAction} target={{ mode: 'create' }} options={options} submitLabel="Create draft"
        values={{ name: '', channel: 'email', templateId: '', segmentId: '', ...CAMPAIGN_DEFAULTS }} />
    </Page>
  );
}
