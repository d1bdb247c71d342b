import type { OrderStatus, ShipmentStatus } from '@/db/schema/commerce';

// The words carry the status; the colour only supports them (WCAG 1.4.1). Every pair meets 4.5:1.
const GOOD = 'tone-good';
const WAIT = 'tone-wait';
const BAD = 'tone-bad';
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
  return <span className={`pill ${tone}`}>{label}</span>;
}
