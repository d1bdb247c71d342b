import type { InvoiceLineKind, InvoiceStatus } from '@/db/schema/billing';
import { isUuid } from '@/lib/kernel/ids';
import { hasControlCharacters, withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { invoiceTotals, lineAmounts, MoneyError, parseMoney } from './money';
import { parsePercentToBasisPoints, STRICT_FORM } from './settings-forms';

/**
 * The invoice forms (EMR), shared by the browser (useActionForm) and the server actions.
 * Browser-safe. An invoice's lines are posted as parallel repeated fields, one value per row
 * (`lineKind`, `lineServiceId`, `lineDescription`, `lineQuantity`, `lineUnitPrice`,
 * `lineDiscount`, `lineTaxRate`), so a table of rows works as a plain form without JavaScript;
 * rows left empty are skipped. Money is typed as text ("120", "1,200.50") and read with
 * parseMoney in the currency the page was shown in (the hidden `currency`): lib/ refuses the
 * draft if the clinic's currency is no longer that one.
 */

export const INVOICE_LIMITS = {
  lines: 50,
  description: 200,
  note: 1000,
  quantity: 10_000,
  reason: 500,
  memo: 200,
  /** The largest amount a line or an invoice may come to, in minor units (the columns are 32-bit). */
  amount: 1_000_000_000,
} as const;

export const INVOICE_LINE_KINDS = ['service', 'product', 'no_show_fee', 'other'] as const satisfies readonly InvoiceLineKind[];
export const INVOICE_LINE_KIND_LABELS: Record<InvoiceLineKind, string> = {
  service: 'Service',
  product: 'Product',
  no_show_fee: 'Missed appointment fee',
  other: 'Other',
};

const statuses = ['draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible'] as const satisfies readonly InvoiceStatus[];

/** One line of a draft, in minor units and basis points, as lib/billing/invoices.ts takes it. */
export interface InvoiceLineInput {
  kind: InvoiceLineKind;
  serviceId: string | null;
  description: string;
  quantity: number;
  unitAmount: number;
  discountAmount: number;
  taxRateBp: number;
}

export interface InvoiceDraftInput {
  lines: InvoiceLineInput[];
  /** YYYY-MM-DD; null: the clinic's payment terms from the day it is sent. */
  dueDate?: string | null;
  note?: string | null;
  locationId?: string | null;
  /** The currency the amounts were typed in: when given, it must still be the clinic's. */
  currency?: string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A repeated field as a list of strings (one posted value is a list of one). */
function repeated(max: number) {
  return z.preprocess(
    (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string({ error: 'Check the invoice lines.' }).max(max, 'Check the invoice lines.'), { error: 'Check the invoice lines.' })
      .max(INVOICE_LIMITS.lines, `An invoice can have at most ${INVOICE_LIMITS.lines} lines.`),
  );
}

const CURRENCY_CODE = /^[A-Z]{3}$/;
const currency = z.string({ error: 'Reload the page and try again.' }).regex(CURRENCY_CODE, 'Reload the page and try again.');

/**
 * parseMoney, or null when the posted currency is not one Intl knows: an object's checks run even
 * when a field failed, and Intl throws on an unknown code (a 500 instead of the field's message).
 */
function readMoney(value: string, code: string): number | null {
  if (!CURRENCY_CODE.test(code)) return null;
  try {
    return parseMoney(value, code);
  } catch {
    return null;
  }
}

/** A calendar date typed or picked as YYYY-MM-DD (a real day of a real month). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function optionalDate(message: string) {
  return z.preprocess((v) => blankToUndefined(v) ?? null, z.string({ error: message }).refine(isCalendarDate, message).nullable());
}

function optionalText(label: string, max: number) {
  return z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    withoutControlChars(z.string({ error: `Enter the ${label} as text.` })).trim().max(max, `Keep the ${label} to ${max} characters or fewer.`).nullable(),
  );
}

function requiredText(label: string, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    withoutControlChars(z.string({ error: `Enter the ${label}.` })).min(1, `Enter the ${label}.`).max(max, `Keep the ${label} to ${max} characters or fewer.`),
  );
}

const invoiceId = z.uuid('This invoice no longer exists. Reload the page.');
const appointmentId = z.uuid('This appointment no longer exists. Reload the page.');

const draftFields = {
  currency,
  dueDate: optionalDate('Enter the due date as a date, or leave it empty to use the clinic’s payment terms.'),
  note: optionalText('note', INVOICE_LIMITS.note),
  locationId: z.preprocess((v) => blankToUndefined(v) ?? null, z.uuid('Choose a location from the list.').nullable()),
  lineKind: repeated(20),
  lineServiceId: repeated(64),
  lineDescription: repeated(INVOICE_LIMITS.description * 2),
  lineQuantity: repeated(20),
  lineUnitPrice: repeated(40),
  lineDiscount: repeated(40),
  lineTaxRate: repeated(20),
};

type DraftFields = { [K in keyof typeof draftFields]: z.output<(typeof draftFields)[K]> };

/**
 * The posted rows as lines, or the first problem in words ("Line 2: enter the price."). Used by
 * the schemas' check and by draftFromForm, so the browser and the server read rows alike.
 */
export function readInvoiceLines(values: Pick<DraftFields, 'currency' | 'lineKind' | 'lineServiceId' | 'lineDescription' | 'lineQuantity' | 'lineUnitPrice' | 'lineDiscount' | 'lineTaxRate'>): { lines: InvoiceLineInput[] } | { error: string } {
  if (!CURRENCY_CODE.test(values.currency)) return { error: 'Reload the page and try again.' };
  const rows = Math.max(values.lineKind.length, values.lineServiceId.length, values.lineDescription.length, values.lineQuantity.length, values.lineUnitPrice.length, values.lineDiscount.length, values.lineTaxRate.length);
  const lines: InvoiceLineInput[] = [];
  for (let i = 0; i < rows; i++) {
    const raw = {
      kind: values.lineKind[i]?.trim() || 'service',
      serviceId: values.lineServiceId[i]?.trim() ?? '',
      description: values.lineDescription[i]?.trim() ?? '',
      quantity: values.lineQuantity[i]?.trim() ?? '',
      unitPrice: values.lineUnitPrice[i]?.trim() ?? '',
      discount: values.lineDiscount[i]?.trim() ?? '',
      taxRate: values.lineTaxRate[i]?.trim() ?? '',
    };
    // An untouched row of the form: nothing typed that would make it a line.
    if (!raw.serviceId && !raw.description && !raw.unitPrice && !raw.discount) continue;
    const n = i + 1;
    const line = readLine(raw, values.currency);
    if (typeof line === 'string') return { error: `Line ${n}: ${line}` };
    lines.push(line);
  }
  if (lines.length === 0) return { error: 'Add at least one line with a description and a price.' };
  const totals = invoiceTotals(lines.map((l) => lineAmounts(l)));
  if (totals.total > INVOICE_LIMITS.amount) return { error: 'The invoice comes to more than one invoice can hold. Split it into two.' };
  return { lines };
}

function readLine(raw: Record<'kind' | 'serviceId' | 'description' | 'quantity' | 'unitPrice' | 'discount' | 'taxRate', string>, currency: string): InvoiceLineInput | string {
  if (!(INVOICE_LINE_KINDS as readonly string[]).includes(raw.kind)) return 'choose what the line is for from the list.';
  if (raw.serviceId && !isUuid(raw.serviceId)) return 'choose the service from the list.';
  if (!raw.description) return 'enter a description.';
  if (raw.description.length > INVOICE_LIMITS.description) return `keep the description to ${INVOICE_LIMITS.description} characters or fewer.`;
  if (hasControlCharacters(raw.description)) return 'remove the invisible control characters from the description.';
  const quantity = raw.quantity === '' ? 1 : /^\d{1,5}$/.test(raw.quantity) ? Number(raw.quantity) : NaN;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > INVOICE_LIMITS.quantity) return `enter the quantity as a whole number from 1 to ${INVOICE_LIMITS.quantity.toLocaleString('en-US')}.`;
  const unitAmount = raw.unitPrice === '' ? null : readMoney(raw.unitPrice, currency);
  if (unitAmount === null) return 'enter the price as an amount such as 120 or 120.50.';
  const discountAmount = raw.discount === '' ? 0 : readMoney(raw.discount, currency);
  if (discountAmount === null) return 'enter the discount as an amount such as 10 or 10.50, or leave it empty.';
  const taxRateBp = parsePercentToBasisPoints(raw.taxRate);
  if (taxRateBp === undefined) return 'enter the tax rate as a percentage from 0 to 100, such as 8.25.';
  const line = { kind: raw.kind as InvoiceLineKind, serviceId: raw.serviceId || null, description: raw.description, quantity, unitAmount, discountAmount, taxRateBp };
  try {
    if (lineAmounts(line).total > INVOICE_LIMITS.amount) return 'the line comes to more than one invoice can hold.';
  } catch (error) {
    if (error instanceof MoneyError) return error.message.includes('discount') ? 'the discount is more than the line.' : 'check the amounts.';
    throw error;
  }
  return line;
}

function checkLines(values: DraftFields, ctx: z.RefinementCtx) {
  const read = readInvoiceLines(values);
  if ('error' in read) ctx.addIssue({ code: 'custom', path: ['lines'], message: read.error });
}

/** A new draft for the chart's patient (hidden `patientId`; lib/ checks it is the clinic's). */
export const createInvoiceSchema = z.strictObject({ patientId: z.uuid('This patient no longer exists. Reload the page.'), ...draftFields }, STRICT_FORM).superRefine(checkLines);
/** Changing a draft's lines, due date, note or location. */
export const updateInvoiceSchema = z.strictObject({ invoiceId, ...draftFields }, STRICT_FORM).superRefine(checkLines);

/** A parsed create or update form as lib/billing/invoices.ts takes the draft. */
export function draftFromForm(values: DraftFields): InvoiceDraftInput {
  const read = readInvoiceLines(values);
  if ('error' in read) throw new Error('draftFromForm: the form was not checked with its schema');
  return { lines: read.lines, dueDate: values.dueDate, note: values.note, locationId: values.locationId, currency: values.currency };
}

/** One-button forms on an invoice: send (open) it, delete a draft. */
export const invoiceIdSchema = z.strictObject({ invoiceId }, STRICT_FORM);

/** Voiding or writing off: why, for the staff who read the invoice later (kept off the audit log). */
export const closeInvoiceSchema = z.strictObject({ invoiceId, reason: requiredText('reason', INVOICE_LIMITS.reason) }, STRICT_FORM);

const moneyText = z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ error: 'Enter the amount.' }).min(1, 'Enter the amount.').max(40, 'Enter the amount as a number such as 25 or 25.50.'));

/** A credit (lowers what is owed) or an extra charge on a sent invoice. */
export const adjustmentSchema = z.strictObject({
  invoiceId,
  currency,
  direction: z.enum(['credit', 'charge'], { error: 'Choose a credit or an extra charge.' }),
  amount: moneyText,
  memo: requiredText('reason for the adjustment', INVOICE_LIMITS.memo),
}, STRICT_FORM).superRefine((v, ctx) => {
  const amount = readMoney(v.amount, v.currency);
  if (amount === null || amount <= 0 || amount > INVOICE_LIMITS.amount) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Enter the amount as a number above zero, such as 25 or 25.50.' });
});

/** The adjustment form as postAdjustment takes it: a signed amount (a credit is negative). */
export function adjustmentFromForm(values: z.output<typeof adjustmentSchema>): { amount: number; memo: string; currency: string } {
  const amount = parseMoney(values.amount, values.currency)!;
  return { amount: values.direction === 'credit' ? -amount : amount, memo: values.memo, currency: values.currency };
}

/** "Invoice this visit": a draft from a completed visit's service price. */
export const visitInvoiceSchema = z.strictObject({ appointmentId }, STRICT_FORM);

/** A missed appointment's fee. */
export const noShowFeeSchema = z.strictObject({ appointmentId, currency, amount: moneyText }, STRICT_FORM).superRefine((v, ctx) => {
  const amount = readMoney(v.amount, v.currency);
  if (amount === null || amount <= 0 || amount > INVOICE_LIMITS.amount) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Enter the fee as a number above zero, such as 25 or 25.50.' });
});
export function noShowFeeFromForm(values: z.output<typeof noShowFeeSchema>): number {
  return parseMoney(values.amount, values.currency)!;
}

/** /emr/billing's filter and page (search params: a bad value is the default, never an error). */
export const invoiceListQuerySchema = z.object({
  status: z.preprocess((v) => ((statuses as readonly unknown[]).includes(v) ? v : undefined), z.enum(statuses).optional()),
  page: z.preprocess((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) && Number(v) > 0 ? Number(v) : 1), z.number().int()),
});

/** A statement's dates (search params), from and to inclusive, in the clinic's calendar. */
export const statementRangeSchema = z.object({
  from: z.string({ error: 'Enter the first day of the statement.' }).refine(isCalendarDate, 'Enter the first day as a date.'),
  to: z.string({ error: 'Enter the last day of the statement.' }).refine(isCalendarDate, 'Enter the last day as a date.'),
}).refine((v) => v.from <= v.to, { path: ['to'], message: 'The last day must be on or after the first.' });
