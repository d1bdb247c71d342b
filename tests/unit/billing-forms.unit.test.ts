import { describe, expect, it } from 'vitest';
import { adjustmentFromForm, adjustmentSchema, createInvoiceSchema, draftFromForm, isCalendarDate, noShowFeeFromForm, noShowFeeSchema, statementRangeSchema } from '@/lib/billing/invoice-forms';
import { basisPointsToPercent, billingSettingsSchema, parsePercentToBasisPoints } from '@/lib/billing/settings-forms';

const PATIENT = '8c1f6c1e-2a4b-4c7d-9e0f-1a2b3c4d5e6f';
const SERVICE = '1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b';

describe('percentages as basis points', () => {
  it('reads typed rates by string arithmetic, blank as none', () => {
    expect(parsePercentToBasisPoints('8.25')).toBe(825);
    expect(parsePercentToBasisPoints('8.5 %')).toBe(850);
    expect(parsePercentToBasisPoints('0')).toBe(0);
    expect(parsePercentToBasisPoints('')).toBe(0);
    expect(parsePercentToBasisPoints('100')).toBe(10_000);
    expect(parsePercentToBasisPoints('0.07')).toBe(7);
    for (const bad of ['100.01', '8.255', '-1', 'eight', '1,5', '101']) expect(parsePercentToBasisPoints(bad)).toBeUndefined();
  });

  it('shows them back without trailing zeros', () => {
    expect([825, 850, 800, 7, 0, 10_000].map(basisPointsToPercent)).toEqual(['8.25', '8.5', '8', '0.07', '0', '100']);
    for (const bp of [1, 99, 825, 1234, 9999]) expect(parsePercentToBasisPoints(basisPointsToPercent(bp))).toBe(bp);
  });
});

describe('the billing options form', () => {
  const form = { paymentsEnabled: 'on', currency: 'CAD', invoiceFooter: '  Thank you!  ', taxId: '', defaultTaxRate: '13', paymentDueDays: '14', gateway: 'test' };

  it('parses what the browser posts: an unticked box is off, blanks are none', () => {
    expect(billingSettingsSchema.parse(form)).toEqual({
      paymentsEnabled: true, portalBillingVisible: false, currency: 'CAD', invoiceFooter: 'Thank you!', taxId: null,
      defaultTaxRate: 1300, paymentDueDays: 14, gateway: 'test',
    });
  });

  it('names the field and the rule when it refuses', () => {
    const issues = (changes: Record<string, unknown>) => {
      const result = billingSettingsSchema.safeParse({ ...form, ...changes });
      return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message]));
    };
    expect(issues({ currency: 'JPY' })).toEqual({ currency: 'Choose a currency from the list.' });
    expect(issues({ paymentDueDays: '366' })).toEqual({ paymentDueDays: 'Enter the payment terms as a whole number of days from 0 to 365.' });
    expect(issues({ defaultTaxRate: '8.255' })).toEqual({ defaultTaxRate: 'Enter the default tax rate as a percentage from 0 to 100 with at most two decimals, such as 8.25.' });
    expect(issues({ invoiceFooter: 'x'.repeat(501) })).toEqual({ invoiceFooter: 'Keep the invoice footer to 500 characters or fewer.' });
    expect(issues({ taxId: 'x'.repeat(51) })).toEqual({ taxId: 'Keep the tax ID to 50 characters or fewer.' });
    expect(issues({ gateway: 'paypal' })).toEqual({ gateway: 'Choose the test gateway or Stripe.' });
    // Mass assignment: a column the form does not have is refused, not written.
    const extra = billingSettingsSchema.safeParse({ ...form, nextInvoiceNumber: '1' });
    expect(extra.success ? [] : extra.error.issues.map((i) => i.code)).toEqual(['unrecognized_keys']);
  });
});

describe('the invoice form’s rows', () => {
  const rows = (lines: Record<string, string>[], extra: Record<string, unknown> = {}) => ({
    patientId: PATIENT, currency: 'USD', dueDate: '', note: '', locationId: '',
    lineKind: lines.map((l) => l.kind ?? 'service'),
    lineServiceId: lines.map((l) => l.serviceId ?? ''),
    lineDescription: lines.map((l) => l.description ?? ''),
    lineQuantity: lines.map((l) => l.quantity ?? '1'),
    lineUnitPrice: lines.map((l) => l.unitPrice ?? ''),
    lineDiscount: lines.map((l) => l.discount ?? ''),
    lineTaxRate: lines.map((l) => l.taxRate ?? ''),
    ...extra,
  });

  it('reads filled rows as lines in minor units and skips the untouched ones', () => {
    const parsed = createInvoiceSchema.parse(rows([
      { serviceId: SERVICE, description: 'Consultation', unitPrice: '$1,200.50', taxRate: '8.25' },
      {},
      { kind: 'product', description: 'Brace', quantity: '2', unitPrice: '0.1', discount: '0.05' },
    ], { dueDate: '2030-02-28', note: 'Thanks' }));
    expect(draftFromForm(parsed)).toEqual({
      currency: 'USD', dueDate: '2030-02-28', note: 'Thanks', locationId: null,
      lines: [
        { kind: 'service', serviceId: SERVICE, description: 'Consultation', quantity: 1, unitAmount: 120_050, discountAmount: 0, taxRateBp: 825 },
        { kind: 'product', serviceId: null, description: 'Brace', quantity: 2, unitAmount: 10, discountAmount: 5, taxRateBp: 0 },
      ],
    });
  });

  it('accepts one row posted as single values (a form with one line)', () => {
    const parsed = createInvoiceSchema.parse({ ...rows([]), lineKind: 'other', lineDescription: 'Copy of records', lineUnitPrice: '15', lineQuantity: '1' });
    expect(draftFromForm(parsed).lines).toEqual([{ kind: 'other', serviceId: null, description: 'Copy of records', quantity: 1, unitAmount: 1500, discountAmount: 0, taxRateBp: 0 }]);
  });

  it('says which line is wrong and why', () => {
    const message = (lines: Record<string, string>[]) => {
      const result = createInvoiceSchema.safeParse(rows(lines));
      return result.success ? null : result.error.issues.find((i) => i.path[0] === 'lines')?.message;
    };
    expect(message([{}, {}])).toBe('Add at least one line with a description and a price.');
    expect(message([{ description: 'A', unitPrice: '10' }, { description: 'B', unitPrice: '1.005' }])).toBe('Line 2: enter the price as an amount such as 120 or 120.50.');
    expect(message([{ unitPrice: '10' }])).toBe('Line 1: enter a description.');
    expect(message([{ description: 'A', unitPrice: '10', discount: '10.01' }])).toBe('Line 1: the discount is more than the line.');
    expect(message([{ description: 'A', unitPrice: '10', quantity: '0' }])).toBe('Line 1: enter the quantity as a whole number from 1 to 10,000.');
    expect(message([{ description: 'A', unitPrice: '10', taxRate: '120' }])).toBe('Line 1: enter the tax rate as a percentage from 0 to 100, such as 8.25.');
    expect(message([{ description: 'A', unitPrice: '10', kind: 'gift' }])).toBe('Line 1: choose what the line is for from the list.');
    expect(message([{ description: 'A', unitPrice: '10', serviceId: 'not-an-id' }])).toBe('Line 1: choose the service from the list.');
    expect(message([{ description: 'A\u0000', unitPrice: '10' }])).toBe('Line 1: remove the invisible control characters from the description.');
    expect(message([{ description: 'A', unitPrice: '999999999', quantity: '10000' }])).toBe('Line 1: the line comes to more than one invoice can hold.');
  });

  it('checks the due date is a real day', () => {
    expect(isCalendarDate('2030-02-28')).toBe(true);
    expect(isCalendarDate('2030-02-30')).toBe(false);
    expect(isCalendarDate('28/02/2030')).toBe(false);
    const result = createInvoiceSchema.safeParse(rows([{ description: 'A', unitPrice: '1' }], { dueDate: '2030-13-01' }));
    expect(result.success).toBe(false);
  });
});

describe('adjustments, fees and statement dates', () => {
  const INVOICE = '2c3d4e5f-6071-4829-8a0b-1c2d3e4f5a6b';

  it('signs an adjustment: a credit lowers what is owed', () => {
    const credit = adjustmentSchema.parse({ invoiceId: INVOICE, currency: 'USD', direction: 'credit', amount: '25.50', memo: 'Courtesy' });
    expect(adjustmentFromForm(credit)).toEqual({ amount: -2550, memo: 'Courtesy', currency: 'USD' });
    const charge = adjustmentSchema.parse({ invoiceId: INVOICE, currency: 'USD', direction: 'charge', amount: '5', memo: 'Late fee' });
    expect(adjustmentFromForm(charge).amount).toBe(500);
    expect(adjustmentSchema.safeParse({ invoiceId: INVOICE, currency: 'USD', direction: 'credit', amount: '0', memo: 'x' }).success).toBe(false);
    expect(adjustmentSchema.safeParse({ invoiceId: INVOICE, currency: 'USD', direction: 'credit', amount: '5', memo: ' ' }).success).toBe(false);
  });

  it('reads a no-show fee and a statement range', () => {
    expect(noShowFeeFromForm(noShowFeeSchema.parse({ appointmentId: INVOICE, currency: 'USD', amount: '40' }))).toBe(4000);
    expect(noShowFeeSchema.safeParse({ appointmentId: INVOICE, currency: 'USD', amount: '-40' }).success).toBe(false);
    expect(statementRangeSchema.safeParse({ from: '2030-01-01', to: '2030-01-31' }).success).toBe(true);
    expect(statementRangeSchema.safeParse({ from: '2030-02-01', to: '2030-01-31' }).success).toBe(false);
  });
});
