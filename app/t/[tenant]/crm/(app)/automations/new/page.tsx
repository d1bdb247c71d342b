import type { Metadata } from 'next';
import Link from 'next/link';
import { AutomationBuilder } from '@/components/engagement/automations/automation-builder';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { EMPTY_DRAFT } from '@/lib/engagement/automations/builder-form';
import { automationBuilderOptions } from '@/lib/engagement/automations/builder-options';
import { webhookSecret } from '@/lib/engagement/automations/webhooks';
import { automationBuilderAction } from '../actions';

export const metadata: Metadata = { title: 'New automation' };

/** /crm/automations/new (automations.manage): the builder, empty. Saved as a draft: switched on from its page. */
export default async function NewAutomationPage() {
  const ctx = await requireStaff('crm', 'automations.manage');
  const options = await automationBuilderOptions(getDb(), ctx);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/automations" className="link">Automations</Link>
    </nav>
  );
  return (
    <Page title="New automation" above={back} description="Choose what starts it, which events it acts on, and its steps. It is saved as a draft: it acts on nothing until you switch it on.">
      <AutomationBuilder action={automationBuilderAction} automationId={null} version={null} draft={EMPTY_DRAFT} options={options} webhookSecret={webhookSecret(ctx.tenant.id)} />
    </Page>
  );
}
