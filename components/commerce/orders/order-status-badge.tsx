import type { OrderStatus, ShipmentStatus } from '@/db/schema/commerce';

// The words carry the status; the colour only supports them (WCAG 1.4.1). Every pair meets 4.5:1.
const GOOD = 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100';
const WAIT = 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100';
const BAD = 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100';
const QUIET = 'border-line bg-surface-muted text-fg';
const ACTIVE = 'border-line bg-brand-soft text-fg';

const ORDER_TONES: Record<OrderStatus, string> = {
  pending: WAIT, awaiting_payment: BAD, processing: ACTIVE, awaiting_requirements: WAIT, awaiting_review: WAIT,
  awaiting_fulfilment: ACTIVE, shipped: ACTIVE, delivered: GOOD, completed: GOOD, cancelled: QUIET, refunded: QUIET,
};
const SHIPMENT_TONES: Record<ShipmentStatus, string> = {
  label_created: QUIET, in_transit: ACTIVE, out_for_delivery: ACTIVE, delivered: GOOD, exception: BAD,
};

/** An order's or a shipment's status as a pill with its words (staff's or the patient's). */
export function OrderStatusBadge({ label, order, shipment }: { label: string; order?: OrderStatus; shipment?: ShipmentStatus }) {
  const tone = order ? ORDER_TONES[order] : shipment ? SHIPMENT_TONES[shipment] : QUIET;
  return <span className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium ${tone}`}>{label}</span>;
}
