import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ServiceForm } from '@/components/crm/service-form';
import { Page } from '@/components/ui/page';
import { FormSection, EditDisclosure, ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { LANGUAGE_NAMES_FOR_STAFF, translationLanguages } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { addServiceAction, updateServiceAction } from './actions';
import { listRequirableForms, listServiceRequiredForms } from '@/lib/services/required-forms';
import { clinicCurrency, formatServicePrice, listServices } from '@/lib/services/services';

export const metadata: Metadata = { title: 'Services' };

export default async function ServicesPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const db = getDb();
  const [services, currency, forms, required, defaultLanguage] = await Promise.all([
    listServices(db, ctx), clinicCurrency(db, ctx), listRequirableForms(db, ctx), listServiceRequiredForms(db, ctx), clinicDefaultLanguage(db, ctx.tenant.id),
  ]);
  const languages = translationLanguages(defaultLanguage);
  const titles = new Map(forms.map((f) => [f.id, f.title]));
  return (
    <Page title="Services" description="What patients can book: how long a visit takes and what it costs. Services that are not bookable online are booked by staff only. Inactive services are not offered for new bookings; past visits keep theirs.">
      <ListSection id="services-heading" title="All services" items={services} empty="No services yet. Add the first one below.">
        {(s) => (
          <li key={s.id} className="space-y-3 p-4">
            <div>
              <p className="font-medium">
                {s.name}
                {s.active ? null : <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">inactive</span>}
                {s.isVideo ? <span className="ml-2 rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900">video</span> : null}
                {s.bookableOnline ? null : <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">staff booking only</span>}
              </p>
              <p className="text-sm text-fg-muted">
                {s.durationMinutes} min · {formatServicePrice(s.priceCents, s.currency) ?? 'no price shown'}
              </p>
              {s.description ? <p className="text-sm text-fg-muted">{s.description}</p> : null}
              {languages.map((l) => s.translations[l]?.name ? <p key={l} className="text-sm text-fg-muted">{LANGUAGE_NAMES_FOR_STAFF[l]}: <span lang={l}>{s.translations[l]!.name}</span></p> : null)}
              {required.get(s.id)?.length ? (
                <p className="text-sm text-fg-muted">Forms when booking: {required.get(s.id)!.map((id) => titles.get(id) ?? 'a form').join(', ')}</p>
              ) : null}
            </div>
            <EditDisclosure summary={`Edit ${s.name}`}>
              <ServiceForm action={updateServiceAction} service={{ ...s, requiredFormIds: required.get(s.id) ?? [] }} currency={s.currency} forms={forms} languages={languages} />
            </EditDisclosure>
          </li>
        )}
      </ListSection>

      <FormSection id="add-service-heading" title="Add a service">
        <ServiceForm action={addServiceAction} currency={currency} forms={forms} languages={languages} />
      </FormSection>
    </Page>
  );
}
