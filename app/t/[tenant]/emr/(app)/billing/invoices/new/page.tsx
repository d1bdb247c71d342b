import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InvoiceEditor } from '@/components/billing/emr/invoice-editor';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { billingPatient, invoiceFormOptions } from '@/lib/billing/reports';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { createInvoiceAction } from '../../actions';

export const metadata: Metadata = { title: 'New invoice' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** /emr/billing/invoices/new?patient=…: a draft invoice for a patient of the clinic. */
export default async function NewInvoicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'billing.view');
  const patientId = first((await searchParams).patient) ?? '';
  const db = getDb();
  const [patient, options, profile] = await Promise.all([
    billingPatient(db, ctx, patientId),
    invoiceFormOptions(db, ctx),
    getTenantProfile(ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const canManage = ctx.actor.permissions.has('billing.manage');
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href={`/emr/patients/${patient.id}/billing`} className="link">
        {patient.firstName} {patient.lastName}’s billing
      </Link>
    </nav>
  );
  return (
    <Page title="New invoice" above={back} description={`For ${patient.firstName} ${patient.lastName} (${patient.recordNumber}). It is saved as a draft: check it, then send it to the patient.`}>
      <section aria-label="Invoice lines and details" className="rounded-xl border border-line bg-surface p-5">
        {canManage ? (
          <InvoiceEditor
            action={createInvoiceAction}
            target={{ mode: 'create', patientId: patient.id }}
            currency={options.currency}
            lines={[]}
            services={options.services}
            locations={(profile?.locations ?? []).map((l) => ({ id: l.id, name: l.name }))}
            defaultTaxRateBp={options.defaultTaxRateBp}
            values={{ dueDate: null, note: null, locationId: null }}
            submitLabel="Save draft"
          />
        ) : (
          <p>You don’t have permission to make invoices. Ask someone who can take payments.</p>
        )}
      </section>
    </Page>
  );
}
