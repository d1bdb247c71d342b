import { describe, expect, it } from 'vitest';
import { declineMessage } from '@/lib/billing/decline-messages';
import { billingPdfFilename, invoicePdfInput, renderInvoicePdf, renderReceiptPdf, type InvoiceForPdf } from '@/lib/billing/pdf';
import { billing, billingLibMessage } from '@/lib/i18n/messages/billing';
import { pdfText } from '../support/pdf-text';

/**
 * The invoice and receipt PDFs (lib/billing/pdf.ts): the number, the lines and the totals the
 * invoice page shows, in the patient's language, and nothing the patient does not see there.
 */

const line = (description: string, quantity: number, unitAmount: number, extra: { discountAmount?: number; taxAmount?: number } = {}) => {
  const discountAmount = extra.discountAmount ?? 0;
  const taxAmount = extra.taxAmount ?? 0;
  return { description, quantity, unitAmount, discountAmount, taxAmount, total: quantity * unitAmount - discountAmount + taxAmount };
};

/** A view as the portal's getPortalInvoice answers it, with staff-only fields a careless mapping could leak. */
function portalInvoice(overrides: Partial<InvoiceForPdf> = {}) {
  const lines = [line('Physiotherapy session', 2, 6000, { discountAmount: 1000, taxAmount: 825 }), line('Resistance band', 1, 1250)];
  return {
    id: '9a3c1f0e-0000-4000-8000-000000000001',
    label: 'INV-000042',
    status: 'partially_paid' as const,
    issueDate: '2026-12-01',
    dueDate: '2026-12-31',
    currency: 'USD',
    lines,
    subtotal: 13250,
    discountTotal: 1000,
    taxTotal: 825,
    total: 13075,
    sums: { charged: 13075, paid: 5000, due: 8075 },
    note: 'Thank you for your visit.',
    patient: { id: 'p1', firstName: 'Maria', lastName: 'Lopez', recordNumber: 'MRN-SECRET-77' },
    clinic: { footer: 'Sunrise Clinic · 12 Main St', taxId: 'EIN 12-3456789' },
    voidReason: 'Staff reason: duplicate',
    entries: [{ id: 'e1', kind: 'adjustment', amount: -500, memo: 'Goodwill credit per Dr. Smith' }],
    ...overrides,
  };
}

describe('the invoice PDF', () => {
  it('has the clinic, the number, each line and the totals, paid and due', async () => {
    const text = pdfText(await renderInvoicePdf(invoicePdfInput(portalInvoice(), 'Sunrise Clinic')));
    expect(text).toContain('Sunrise Clinic');
    expect(text).toContain('Invoice INV-000042');
    expect(text).toContain('Maria Lopez');
    expect(text).toContain('Dec 1, 2026');
    expect(text).toContain('Dec 31, 2026');
    expect(text).toContain('Partly paid');
    expect(text).toContain('Physiotherapy session');
    expect(text).toContain('$60.00');
    expect(text).toContain('-$10.00');
    expect(text).toContain('$8.25');
    expect(text).toContain('$118.25');
    expect(text).toMatch(/Subtotal\n\$132\.50/);
    expect(text).toMatch(/Total\n\$130\.75/);
    expect(text).toMatch(/Amount paid\n\$50\.00/);
    expect(text).toMatch(/Amount due\n\$80\.75/);
    expect(text).toContain('Thank you for your visit.');
    expect(text).toContain('Sunrise Clinic · 12 Main St');
    expect(text).toContain('Tax ID: EIN 12-3456789');
    expect(text).toContain('Page 1 of 1');
  });

  it('leaves out what the patient does not see: the record number, a void reason, staff memos', async () => {
    const text = pdfText(await renderInvoicePdf(invoicePdfInput(portalInvoice(), 'Sunrise Clinic')));
    expect(text).not.toContain('MRN-SECRET-77');
    expect(text).not.toContain('duplicate');
    expect(text).not.toContain('Goodwill');
    expect(text).not.toContain('Dr. Smith');
    // No credits row when nothing was adjusted; no discount or tax rows when there are none.
    expect(text).not.toContain('Credits and changes');
    const plain = pdfText(await renderInvoicePdf(invoicePdfInput(portalInvoice({
      lines: [line('Visit', 1, 9000)], subtotal: 9000, discountTotal: 0, taxTotal: 0, total: 9000, sums: { charged: 8500, paid: 0, due: 8500 }, note: null,
      clinic: { footer: null, taxId: null },
    }), 'Sunrise Clinic')));
    expect(plain).not.toContain('Discounts');
    expect(plain).not.toContain('Tax ID');
    expect(plain).toMatch(/Credits and changes\n-\$5\.00/);
    expect(plain).toMatch(/Amount due\n\$85\.00/);
  });

  it('is written in the patient’s language', async () => {
    const text = pdfText(await renderInvoicePdf(invoicePdfInput(portalInvoice(), 'Clínica Sunrise'), 'es'));
    expect(text).toContain('Factura INV-000042');
    expect(text).toContain('Clínica Sunrise');
    expect(text).toContain('Importe pendiente');
    expect(text).toContain('Pagada en parte');
    expect(text).toContain('Identificación fiscal: EIN 12-3456789');
    expect(text).toContain('Página 1 de 1');
    expect(text).not.toContain('Amount due');
  });

  it('runs over pages when the lines do, numbering each', async () => {
    const lines = Array.from({ length: 70 }, (_, i) => line(`Item ${i + 1}`, 1, 100));
    const text = pdfText(await renderInvoicePdf(invoicePdfInput(portalInvoice({
      lines, subtotal: 7000, discountTotal: 0, taxTotal: 0, total: 7000, sums: { charged: 7000, paid: 0, due: 7000 },
    }), 'Sunrise')));
    expect(text).toContain('Item 1\n');
    expect(text).toContain('Item 70');
    const pages = [...text.matchAll(/Page (\d) of (\d)/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(pages).toEqual(['1/3', '2/3', '3/3']);
    expect(text).toMatch(/Amount due\n\$70\.00/);
  });
});

describe('the receipt PDF', () => {
  it('has the receipt number, the amount, the card and the invoices paid', async () => {
    const text = pdfText(await renderReceiptPdf({
      clinic: { name: 'Sunrise Clinic', footer: null, taxId: 'EIN 12-3456789' },
      billedTo: 'Leo Lopez', receiptLabel: 'R-000007', paidAt: new Date('2026-12-02T15:30:00Z'), timeZone: 'America/Chicago',
      amount: 12000, currency: 'USD', method: 'card_online', card: { brand: 'visa', last4: '4242' },
      invoices: [{ label: 'INV-000041', amount: 4000 }, { label: 'INV-000042', amount: 8000 }], refunded: 2500,
    }));
    expect(text).toContain('Receipt R-000007');
    expect(text).toContain('Leo Lopez');
    expect(text).toMatch(/Wed, Dec 2, 2026, 9:30\sAM CST/);
    expect(text).toContain('Card, online · Visa ending in 4242');
    expect(text).toMatch(/INV-000041\n\$40\.00\nINV-000042\n\$80\.00/);
    expect(text).toMatch(/Refunded\n\$25\.00/);
    expect(text).toMatch(/Total\n\$120\.00/);
    expect(text).not.toContain('4242424242424242');
  });

  it('names files by the number only', () => {
    expect(billingPdfFilename('invoice', 'INV-000042')).toBe('invoice-INV-000042.pdf');
    expect(billingPdfFilename('receipt', 'R-000007')).toBe('receipt-R-000007.pdf');
    expect(billingPdfFilename('invoice', 'Draft "x"/..')).toBe('invoice-Draft-x-.pdf');
  });
});

describe('the billing catalogue’s copies of lib’s decline words', () => {
  const codes = ['card_declined', 'insufficient_funds', 'expired_card', 'incorrect_cvc', 'incorrect_number', 'invalid_expiry_month', 'processing_error', 'authentication_failed', 'canceled', 'something_new'];

  it('are the same English sentences, so each is translated', () => {
    for (const code of codes) {
      const english = declineMessage(code);
      expect(billingLibMessage('en', english), code).toBe(english);
      expect(billingLibMessage('es', english), code).not.toBe(english);
    }
    expect(billingLibMessage('es', 'The card was declined by the bank. Try another card.')).toBe(billing.es.declineDeclined);
    expect(billingLibMessage('es', 'Something lib has not said before.')).toBe('Something lib has not said before.');
  });
});
