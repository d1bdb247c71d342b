import type { Metadata } from 'next';
import Link from 'next/link';
import { TemplateForm } from '@/components/engagement/templates/template-form';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { TEMPLATE_PERMISSIONS } from '@/lib/engagement/templates/templates';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { createTemplateAction } from '../actions';

export const metadata: Metadata = { title: 'New message template' };

/** /crm/templates/new (automations.manage or campaigns.manage). */
export default async function NewTemplatePage() {
  const ctx = await requireStaff('crm', TEMPLATE_PERMISSIONS);
  const brand = await loadClinicEmailBrand(getDb(), ctx.tenant.id);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/templates" className="link">Message templates</Link>
    </nav>
  );
  return (
    <Page title="New message template" above={back} description="Automations and campaigns can choose it as soon as it is saved.">
      <TemplateForm action={createTemplateAction} target={{ mode: 'create' }} clinicName={brand?.name ?? ctx.tenant.name} submitLabel="Add template" />
    </Page>
  );
}
