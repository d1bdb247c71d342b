import type { Metadata } from 'next';
import Link from 'next/link';
import { ShipmentImportForm } from '@/components/commerce/orders/shipment-import-form';
import { Page } from '@/components/ui/page';
import { requireStaff } from '@/lib/auth/staff-session';
import { SHIPMENT_CSV_HEADER, SHIPMENT_IMPORT_LIMITS } from '@/lib/commerce/tracking';
import { applyImportAction, previewImportAction } from '../actions';

export const metadata: Metadata = { title: 'Import tracking numbers' };

/**
 * /emr/orders/import (orders.manage): a CSV of tracking numbers from the carrier or the
 * warehouse. The preview says what each row would do and what is wrong with it; importing
 * applies the good rows in one go. The same file imported twice changes nothing.
 */
export default async function ImportShipmentsPage() {
  await requireStaff('emr', 'orders.manage');
  return (
    <Page
      title="Import tracking numbers"
      above={<nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link href="/emr/orders" className="link">Orders</Link></nav>}
      description={`One shipment a line: the order number (ORD-000012 or 12), the carrier (USPS, UPS, FedEx, DHL or Other), the tracking number and, if you have it, the status (label created, in transit, out for delivery, delivered, exception). Up to ${SHIPMENT_IMPORT_LIMITS.rows} lines a file. Orders ready to ship move to shipped and their patients are told.`}
    >
      <section aria-label="The file" className="rounded-xl border border-line bg-surface p-5">
        <ShipmentImportForm preview={previewImportAction} apply={applyImportAction} header={SHIPMENT_CSV_HEADER} />
      </section>
    </Page>
  );
}
