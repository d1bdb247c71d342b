import 'server-only';
import type { InvoiceStatus } from '@/db/schema/billing';

/**
 * The invoice state machine, in one place. Pure: the ledger gives the sums, this gives the status
 * and which changes staff may make.
 *
 *   draft ──open──▶ open ──payment──▶ partially_paid ──payment──▶ paid
 *     │               │  ◀──refund────────┘ ◀────────refund─────────┘
 *     └──delete       ├──void (nothing paid) ▶ void
 *                     └──write off ▶ uncollectible
 */

export interface InvoiceSums {
  /** The invoice's charge and its credits (adjustments): what it asks for now. */
  charged: number;
  /** Payments less refunds. */
  paid: number;
  /** Sum of every ledger entry on the invoice: what is still owed. */
  due: number;
}

/** The status an open invoice has, from its ledger sums. Void and uncollectible are final. */
export function statusFromLedger(current: InvoiceStatus, sums: InvoiceSums): InvoiceStatus {
  if (current === 'draft' || current === 'void' || current === 'uncollectible') return current;
  if (sums.due <= 0 && (sums.paid > 0 || sums.charged <= 0)) return 'paid';
  if (sums.paid > 0) return 'partially_paid';
  return 'open';
}

export type InvoiceChange = 'edit' | 'open' | 'delete' | 'void' | 'write_off' | 'pay' | 'refund';

/** Why a change is not allowed now, or null when it is. The words are for staff. */
export function invoiceChangeRefusal(status: InvoiceStatus, change: InvoiceChange, sums?: InvoiceSums): string | null {
  switch (change) {
    case 'edit':
    case 'delete':
      return status === 'draft' ? null : 'Only a draft can be changed; void it and make a new one instead.';
    case 'open':
      return status === 'draft' ? null : 'This invoice has already been sent.';
    case 'void':
      if (status === 'draft') return 'A draft has not been sent: delete it instead.';
      if (status === 'void' || status === 'uncollectible') return 'This invoice is already closed.';
      if (sums && sums.paid > 0) return 'This invoice has payments on it: refund them before voiding it.';
      return null;
    case 'write_off':
      if (status !== 'open' && status !== 'partially_paid') return status === 'paid' ? 'This invoice is paid.' : 'Only an open invoice can be written off.';
      return null;
    case 'pay':
      if (status === 'open' || status === 'partially_paid') return sums && sums.due <= 0 ? 'This invoice is paid.' : null;
      if (status === 'paid') return 'This invoice is paid.';
      if (status === 'draft') return 'This invoice has not been sent yet.';
      return 'This invoice is closed.';
    case 'refund':
      return status === 'draft' ? 'A draft has no payments.' : null;
  }
}

export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  open: 'Open',
  partially_paid: 'Partially paid',
  paid: 'Paid',
  void: 'Void',
  uncollectible: 'Written off',
};
