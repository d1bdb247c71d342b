import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatusBar, CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { CHANNEL_LABELS, LANGUAGE_LABELS, PURPOSE_LABELS, templateListStatus } from '@/lib/engagement/templates/template-forms';
import { TEMPLATE_PERMISSIONS, listTemplates } from '@/lib/engagement/templates/templates';
import { isLocale } from '@/lib/i18n/core';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

export const metadata: Metadata = { title: 'Message templates' };

/**
 * /crm/templates (automations.manage or campaigns.manage): the clinic's message templates, what
 * each is sent as and for, and its languages; built-ins are marked (they can be edited, not archived).
 */
export default async function TemplatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', TEMPLATE_PERMISSIONS);
  const status = templateListStatus((await searchParams).status);
  const db = getDb();
  const [rows, timeZone] = await Promise.all([listTemplates(db, ctx, { status }), clinicTimeZone(db, ctx.tenant.id)]);
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone });
  const title = status === 'active' ? 'Active templates' : 'Archived templates';

  return (
    <Page title="Message templates" description="The words automations and campaigns send, with placeholders such as {{patient.firstName}} filled in for each patient. Checked when saved: an unknown placeholder is refused with its name.">
      <CatalogStatusBar path="/crm/templates" status={status} label="Templates by status" newLabel="New template" />
      <CatalogTable
        id="templates-heading" title={title} caption={`${title}, by name`} items={rows}
        columns={[{ label: 'Name' }, { label: 'Sent as' }, { label: 'Purpose' }, { label: 'Languages' }, { label: 'Last changed' }]}
        empty={status === 'active' ? <>No templates yet. <Link href="/crm/templates/new" className={linkClass}>Write the first one</Link>.</> : 'No archived templates.'}
      >
        {(t) => (
          <tr key={t.id}>
            <td className={td}>
              <Link href={`/crm/templates/${t.id}`} className={linkClass}>{t.name}</Link>
              {t.builtinKey ? <span className="block text-xs text-fg-muted">Built in</span> : null}
            </td>
            <td className={td}>{CHANNEL_LABELS[t.channel]}</td>
            <td className={td}>{PURPOSE_LABELS[t.purpose]}</td>
            <td className={td}>{t.languages.map((l) => (isLocale(l) ? LANGUAGE_LABELS[l] : l)).join(', ')}</td>
            <td className={td}>{when.format(t.updatedAt)}</td>
          </tr>
        )}
      </CatalogTable>
    </Page>
  );
}
