import type { PaymentMethod, PaymentStatus, RefundStatus } from '@/db/schema/billing';
import { z } from '@/lib/validation/zod';
import { withoutControlChars } from '@/lib/validation/text';
import { INVOICE_LIMITS, isCalendarDate } from './invoice-forms';
import { currencyDigits, parseMoney } from './money';
import { STRICT_FORM } from './settings-forms';

/**
 * The EMR's money forms (issue 16 point 6): a payment taken at the desk, a refund, charging the
 * card on file, and the day's payments report's date. Shared by the browser (useActionForm) and
 * the server actions; browser-safe. The invoice forms themselves are in invoice-forms.ts.
 *
 * Every form that moves money carries `attemptKey`, a UUID written into the page when it was
 * shown (crypto.randomUUID() on the server): a double click, a resent form or a second tab of the
 * same page is the same attempt, and lib/billing/desk.ts makes the payment or refund once. Money
 * is typed as text and read with parseMoney in the currency the page was shown in (`currency`).
 */

export const DESK_METHODS = ['cash', 'card_terminal', 'check'] as const;
export type DeskMethod = (typeof DESK_METHODS)[number];
export const DESK_METHOD_LABELS: Record<DeskMethod, string> = {
  cash: 'Cash',
  card_terminal: 'Card terminal',
  check: 'Check',
};

/** Every way a payment is taken, as staff read it in lists and reports. */
export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  card_online: 'Card (online)',
  card_on_file: 'Card on file',
  ...DESK_METHOD_LABELS,
};

export const STAFF_FORM_LIMITS = { reference: 64, reason: 500 } as const;

const attemptKey = z.uuid('This form has expired. Reload the page and try again.');
const currency = z.string({ error: 'Reload the page and try again.' }).regex(/^[A-Z]{3}$/, 'Reload the page and try again.');
const uuid = (message: string) => z.uuid(message);
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v);

const moneyText = (message: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ error: message }).min(1, message).max(40, message));

/**
 * The amount typed, in minor units of the page's currency, when it is above zero and not too
 * large; else null. Defensive: a schema's object check runs even when a field failed (the values
 * may be anything posted), and Intl throws on a currency code it does not know.
 */
function positiveAmount(text: unknown, currencyCode: unknown): number | null {
  if (typeof text !== 'string' || typeof currencyCode !== 'string' || !/^[A-Z]{3}$/.test(currencyCode)) return null;
  let amount: number | null;
  try {
    amount = parseMoney(text, currencyCode);
  } catch {
    return null;
  }
  return amount === null || amount <= 0 || amount > INVOICE_LIMITS.amount ? null : amount;
}

/**
 * A group of checkboxes of ids: none ticked posts nothing (the browser sends no field;
 * react-hook-form answers false for one unticked box, a string for one ticked box).
 */
const idList = (message: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null || v === false ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.uuid(message), { error: message }).max(INVOICE_LIMITS.lines * 10, message),
  );

/** A checkbox: ticked posts its value ("yes"); unticked posts nothing. */
const checkbox = z.preprocess((v) => v === true || v === 'yes' || v === 'on', z.boolean());

/** "Record a payment": money taken at the desk for some of the patient's open invoices (oldest first). */
export const deskPaymentSchema = z.strictObject({
  attemptKey,
  patientId: uuid('This patient no longer exists. Reload the page.'),
  currency,
  method: z.enum(DESK_METHODS, { error: 'Choose how the patient paid.' }),
  reference: z.preprocess(
    blankToNull,
    withoutControlChars(z.string({ error: 'Enter the reference as text.' })).trim()
      .max(STAFF_FORM_LIMITS.reference, `Keep the reference to ${STAFF_FORM_LIMITS.reference} characters or fewer.`).nullable(),
  ),
  locationId: z.preprocess(blankToNull, uuid('Choose a location from the list.').nullable()),
  amount: moneyText('Enter the amount the patient paid.'),
  invoiceIds: idList('Choose the invoices from the list. Reload the page if they changed.'),
}, STRICT_FORM).superRefine((v, ctx) => {
  if (positiveAmount(v.amount, v.currency) === null) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Enter the amount as a number above zero, such as 40 or 40.50.' });
  if (Array.isArray(v.invoiceIds) && v.invoiceIds.length === 0) ctx.addIssue({ code: 'custom', path: ['invoiceIds'], message: 'Choose at least one invoice the payment is for.' });
  if (v.method === 'check' && !v.reference) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'Enter the check number.' });
});
export type DeskPaymentForm = z.output<typeof deskPaymentSchema>;

/** The desk payment form as lib/billing/desk.ts recordDeskPayment takes it. */
export function deskPaymentFromForm(values: DeskPaymentForm) {
  return {
    attemptKey: values.attemptKey, patientId: values.patientId, invoiceIds: values.invoiceIds,
    amount: positiveAmount(values.amount, values.currency)!, method: values.method, reference: values.reference, locationId: values.locationId,
  };
}

/** "Refund": all or part of a payment, why, and whether what the patient owes goes down too. */
export const refundSchema = z.strictObject({
  attemptKey,
  paymentId: uuid('This payment no longer exists. Reload the page.'),
  currency,
  amount: moneyText('Enter the amount to refund.'),
  reason: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    withoutControlChars(z.string({ error: 'Enter the reason for the refund.' })).min(1, 'Enter the reason for the refund.')
      .max(STAFF_FORM_LIMITS.reason, `Keep the reason to ${STAFF_FORM_LIMITS.reason} characters or fewer.`),
  ),
  creditInvoice: checkbox,
}, STRICT_FORM).superRefine((v, ctx) => {
  if (positiveAmount(v.amount, v.currency) === null) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Enter the amount as a number above zero, such as 20 or 20.50.' });
});
export type RefundForm = z.output<typeof refundSchema>;

export function refundFromForm(values: RefundForm) {
  return { attemptKey: values.attemptKey, amount: positiveAmount(values.amount, values.currency)!, reason: values.reason, creditInvoice: values.creditInvoice };
}

/**
 * "Charge card on file": the amount is the one the page showed (minor units, hidden); lib/
 * refuses if what is due has changed since, so staff never charge an amount they did not see.
 */
export const chargeCardSchema = z.strictObject({
  attemptKey,
  invoiceId: uuid('This invoice no longer exists. Reload the page.'),
  amount: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: 'Reload the page and try again.' }).int('Reload the page and try again.').positive('Nothing is due on this invoice.')
      .max(INVOICE_LIMITS.amount, 'Reload the page and try again.'),
  ),
}, STRICT_FORM);

/** "Delete draft": the patient names the chart to go back to afterwards (lib/ checks the invoice only). */
export const deleteDraftSchema = z.strictObject({
  invoiceId: uuid('This invoice no longer exists. Reload the page.'),
  patientId: uuid('This patient no longer exists. Reload the page.'),
}, STRICT_FORM);

/**
 * Minor units as a money field's text ("40.00", "-12.50"; "1200" in yen): what a person would
 * type, without a currency sign or grouping, so parseMoney reads it back as the same amount.
 */
export function moneyInputValue(minor: number, currencyCode: string): string {
  if (!Number.isSafeInteger(minor)) throw new Error('moneyInputValue: not a whole number of minor units');
  const digits = currencyDigits(currencyCode);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** What staff read after recording a desk payment (`amount` already formatted). */
export function deskPaymentOutcome(payment: { status: PaymentStatus }, amount: string): { ok: boolean; message: string } {
  // Recorded as received, so it has succeeded; anything else is an attempt cut short (a crash
  // between writing and settling it), which the reconciliation job finishes.
  return payment.status === 'succeeded'
    ? { ok: true, message: `Payment of ${amount} recorded.` }
    : { ok: false, message: 'The payment is still being recorded. Reload the page in a minute to see it.' };
}

/** What staff read after charging the card on file, by the payment's state. */
export function chargeOutcome(payment: { status: PaymentStatus; failureMessage: string | null }): { ok: boolean; message: string } {
  switch (payment.status) {
    case 'succeeded': return { ok: true, message: 'The card was charged. The receipt is on its way to the patient.' };
    case 'failed':
    case 'canceled': return { ok: false, message: payment.failureMessage ?? 'The card was declined by the bank. Ask the patient for another card.' };
    case 'requires_action': return { ok: false, message: 'The bank wants the patient to confirm this charge. Ask them to pay the invoice in the patient portal.' };
    default: return { ok: true, message: 'The charge is being processed. Reload the page in a minute to see whether it went through.' };
  }
}

/** What staff read after a refund, by its state (`amount` already formatted). */
export function refundOutcome(refund: { status: RefundStatus; failureMessage: string | null }, amount: string): { ok: boolean; message: string } {
  switch (refund.status) {
    case 'succeeded': return { ok: true, message: `Refund of ${amount} done.` };
    case 'failed': return { ok: false, message: refund.failureMessage ?? 'The card provider refused the refund. Nothing was refunded.' };
    default: return { ok: true, message: `Refund of ${amount} sent to the card provider; it shows as refunded once they confirm it.` };
  }
}

/** A card brand as staff read it: "visa" → "Visa". */
export function cardBrandLabel(brand: string): string {
  const names: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };
  return names[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/** The day of /emr/billing's payments report (a search param; a bad value is today, never an error). */
export function reportDateOf(value: unknown, today: string): string {
  return typeof value === 'string' && isCalendarDate(value) ? value : today;
}
