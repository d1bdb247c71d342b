import { describe, expect, it } from 'vitest';
import type { InvoiceStatus } from '@/db/schema/billing';
import { invoiceChangeRefusal, statusFromLedger, type InvoiceSums } from '@/lib/billing/invoice-status';

const sums = (charged: number, paid: number, credits = 0): InvoiceSums => ({ charged: charged + credits, paid, due: charged + credits - paid });

describe('an invoice’s status follows its ledger', () => {
  it('walks open → partially paid → paid as payments arrive, and back with refunds', () => {
    expect(statusFromLedger('open', sums(10_000, 0))).toBe('open');
    expect(statusFromLedger('open', sums(10_000, 4000))).toBe('partially_paid');
    expect(statusFromLedger('partially_paid', sums(10_000, 10_000))).toBe('paid');
    // A refund of part of the payment: owed again, in part.
    expect(statusFromLedger('paid', sums(10_000, 6000))).toBe('partially_paid');
    // Everything refunded: open again.
    expect(statusFromLedger('paid', sums(10_000, 0))).toBe('open');
  });

  it('makes an invoice with nothing to ask paid at once, and one fully credited paid', () => {
    expect(statusFromLedger('open', sums(0, 0))).toBe('paid');
    expect(statusFromLedger('open', sums(5000, 0, -5000))).toBe('paid');
    // Credited in part: still open for the rest.
    expect(statusFromLedger('open', sums(5000, 0, -2000))).toBe('open');
    // Paid in part, then the rest credited: paid.
    expect(statusFromLedger('partially_paid', sums(5000, 3000, -2000))).toBe('paid');
  });

  it('never moves a draft, a void or an uncollectible invoice', () => {
    for (const status of ['draft', 'void', 'uncollectible'] as InvoiceStatus[]) {
      expect(statusFromLedger(status, sums(10_000, 10_000))).toBe(status);
      expect(statusFromLedger(status, sums(10_000, 0))).toBe(status);
    }
  });
});

describe('which changes staff may make, and why not', () => {
  it('lets only a draft be edited, deleted or sent', () => {
    expect(invoiceChangeRefusal('draft', 'edit')).toBeNull();
    expect(invoiceChangeRefusal('draft', 'delete')).toBeNull();
    expect(invoiceChangeRefusal('draft', 'open')).toBeNull();
    for (const status of ['open', 'partially_paid', 'paid', 'void', 'uncollectible'] as InvoiceStatus[]) {
      expect(invoiceChangeRefusal(status, 'edit')).toBe('Only a draft can be changed; void it and make a new one instead.');
      expect(invoiceChangeRefusal(status, 'delete')).toBe('Only a draft can be changed; void it and make a new one instead.');
      expect(invoiceChangeRefusal(status, 'open')).toBe('This invoice has already been sent.');
    }
  });

  it('voids only a sent invoice with nothing paid on it', () => {
    expect(invoiceChangeRefusal('draft', 'void')).toBe('A draft has not been sent: delete it instead.');
    expect(invoiceChangeRefusal('open', 'void', sums(10_000, 0))).toBeNull();
    expect(invoiceChangeRefusal('partially_paid', 'void', sums(10_000, 1))).toBe('This invoice has payments on it: refund them before voiding it.');
    // Paid, then refunded in full: nothing paid any more, so it may be voided.
    expect(invoiceChangeRefusal('open', 'void', sums(10_000, 0))).toBeNull();
    expect(invoiceChangeRefusal('void', 'void', sums(10_000, 0))).toBe('This invoice is already closed.');
    expect(invoiceChangeRefusal('uncollectible', 'void', sums(10_000, 0))).toBe('This invoice is already closed.');
  });

  it('writes off only what is still open', () => {
    expect(invoiceChangeRefusal('open', 'write_off')).toBeNull();
    expect(invoiceChangeRefusal('partially_paid', 'write_off')).toBeNull();
    expect(invoiceChangeRefusal('paid', 'write_off')).toBe('This invoice is paid.');
    for (const status of ['draft', 'void', 'uncollectible'] as InvoiceStatus[]) expect(invoiceChangeRefusal(status, 'write_off')).toBe('Only an open invoice can be written off.');
  });

  it('takes payments only on a sent invoice with something due', () => {
    expect(invoiceChangeRefusal('open', 'pay', sums(10_000, 0))).toBeNull();
    expect(invoiceChangeRefusal('partially_paid', 'pay', sums(10_000, 4000))).toBeNull();
    expect(invoiceChangeRefusal('open', 'pay', sums(10_000, 0, -10_000))).toBe('This invoice is paid.');
    expect(invoiceChangeRefusal('paid', 'pay')).toBe('This invoice is paid.');
    expect(invoiceChangeRefusal('draft', 'pay')).toBe('This invoice has not been sent yet.');
    expect(invoiceChangeRefusal('void', 'pay')).toBe('This invoice is closed.');
    expect(invoiceChangeRefusal('uncollectible', 'pay')).toBe('This invoice is closed.');
  });

  it('refunds anything but a draft', () => {
    expect(invoiceChangeRefusal('draft', 'refund')).toBe('A draft has no payments.');
    for (const status of ['open', 'partially_paid', 'paid', 'void', 'uncollectible'] as InvoiceStatus[]) expect(invoiceChangeRefusal(status, 'refund')).toBeNull();
  });
});
