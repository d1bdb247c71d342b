import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { receiptLabel } from '@/lib/billing/numbering';
import { billingPdfFilename, receiptPdfInput, renderReceiptPdf } from '@/lib/billing/pdf';
import { getPortalPayment } from '@/lib/billing/portal-payments';
import { getBillingSettings } from '@/lib/billing/settings';
import { toLocale } from '@/lib/i18n/core';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';
import { clinicOf } from '../../../billing-page';
import { notFoundResponse, pdfResponse } from '../../../pdf-response';

export const runtime = 'nodejs';

/**
 * A payment's receipt as a PDF ("Print receipt"): only for a payment of the selected patient that
 * went through; anything else (another patient's, a failed one, billing off) answers 404.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant, id } = await params;
  await requireTenantForSegment(tenant);
  const portal = await requirePortalPatient();
  let payment;
  try {
    payment = await getPortalPayment(getDb(), portal, id);
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundResponse();
    throw error;
  }
  if (payment.status !== 'succeeded' || payment.receiptNumber === null) return notFoundResponse();
  const [clinic, settings] = await Promise.all([clinicOf(portal), getBillingSettings(getDb(), portal.tenant.id)]);
  const bytes = await renderReceiptPdf(receiptPdfInput(payment, {
    clinic: { name: clinic.name, footer: settings.invoiceFooter, taxId: settings.taxId },
    billedTo: `${portal.patient.firstName} ${portal.patient.lastName}`,
    timeZone: clinic.zone,
  }), toLocale(portal.account.language));
  return pdfResponse(bytes, billingPdfFilename('receipt', receiptLabel(payment.receiptNumber)));
}
