import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TemplateForm } from '@/components/engagement/templates/template-form';
import { RecordStatusButton } from '@/components/ui/record-status-button';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { describeSmsSegments, smsSegments } from '@/lib/engagement/templates/sms-segments';
import { LANGUAGE_LABELS } from '@/lib/engagement/templates/template-forms';
import { TEMPLATE_PERMISSIONS, getTemplate, previewTemplate } from '@/lib/engagement/templates/templates';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { archiveTemplateAction, restoreTemplateAction, updateTemplateAction } from '../actions';

export const metadata: Metadata = { title: 'Message template' };

const DONE: Record<string, string> = { created: 'Template added. Automations and campaigns can choose it now.' };

/**
 * /crm/templates/[id] (automations.manage or campaigns.manage): edit the words, see the saved
 * version as a patient gets it (the email in the clinic's layout, with sample values), archive or
 * restore. Another clinic's template is not found.
 */
export default async function TemplatePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('crm', TEMPLATE_PERMISSIONS);
  const [{ id }, { done }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const template = await getTemplate(db, ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [previews, brand] = await Promise.all([previewTemplate(db, ctx, template), loadClinicEmailBrand(db, ctx.tenant.id)]);
  const archived = template.archivedAt !== null;
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href={archived ? '/crm/templates?status=archived' : '/crm/templates'} className="link">
        {archived ? 'Archived templates' : 'Message templates'}
      </Link>
    </nav>
  );
  return (
    <Page title={template.name} above={back} description={archived ? 'Archived: automations and campaigns cannot choose it.' : 'Changes apply to messages queued from now on; messages already queued keep their words.'}>
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}
      <TemplateForm
        action={updateTemplateAction}
        target={{ mode: 'update', messageTemplateId: template.id, builtin: template.builtinKey !== null }}
        values={{ name: template.name, channel: template.channel, purpose: template.purpose, content: template.content }}
        clinicName={brand?.name ?? ctx.tenant.name}
        submitLabel="Save template"
      />

      <CardSection id="sent-heading" title="As sent" description="The saved version with sample values, in the clinic’s layout. Save changes above to see them here.">
        <div className="mt-3 space-y-6">
          {previews.map(({ language, message }) => (
            <div key={language}>
              <h3 className="font-semibold">{LANGUAGE_LABELS[language]}</h3>
              {message.channel === 'email' ? (
                <>
                  <p className="mt-1 text-sm"><span className="text-fg-muted">Subject:</span> {message.subject}</p>
                  <iframe title={`${LANGUAGE_LABELS[language]} email as sent`} srcDoc={message.html} sandbox="" className="mt-2 h-[32rem] w-full rounded-lg border border-line bg-white" />
                </>
              ) : (
                <>
                  <p className="mt-2 max-w-sm whitespace-pre-wrap break-words rounded-2xl bg-surface-muted px-4 py-3">{message.text}</p>
                  <p className="mt-1 text-sm text-fg-muted">{describeSmsSegments(smsSegments(message.text))}</p>
                </>
              )}
            </div>
          ))}
        </div>
      </CardSection>

      <CardSection id="template-status-heading" title={archived ? 'Archived' : 'Archive'}>
        <div className="mt-3">
          {template.builtinKey ? (
            <p className="text-sm text-fg-muted">A built-in template cannot be archived: the clinic’s standard automations send it. Edit its words, or pause the automation in CRM → Automations.</p>
          ) : archived ? (
            <RecordStatusButton action={restoreTemplateAction} field="messageTemplateId" id={template.id} label="Restore template" pendingLabel="Restoring…" primary
              hint="Automations and campaigns can choose it again." />
          ) : (
            <RecordStatusButton action={archiveTemplateAction} field="messageTemplateId" id={template.id} label="Archive template" pendingLabel="Archiving…"
              hint="Automations and campaigns can no longer choose it; messages already queued are still sent. Not while an active automation or a scheduled campaign uses it." />
          )}
        </div>
      </CardSection>
    </Page>
  );
}
