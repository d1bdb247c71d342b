import * as z from 'zod/mini';
import type { ChargePurpose } from '@/db/schema/billing';
import { formSchema } from '@/lib/validation/zod-mini';
import { cardDigits, findTestCard } from './gateway/test-cards';
import { parseMoney } from './money';

/**
 * The portal's billing forms (/portal/billing), parsed by the server actions and checked in the
 * browser with the same schema once the page is interactive (lib/forms/use-lazy-action-form.ts).
 * Messages are keys of the billing catalogue (lib/i18n/messages/billing.ts). Which patient pays
 * comes from the session, never a field; the attempt key is written into the page when it is
 * shown, so a double click or a resent form is the same attempt (lib/billing/portal-payments.ts).
 * Browser-safe, zod/mini: the portal's first-load budget has no room for classic zod.
 */

export const CHARGE_PURPOSE_OPTIONS = ['invoices', 'no_show_fees', 'subscriptions'] as const satisfies readonly ChargePurpose[];

/** At most this many invoices in one payment (the overview lists every open one). */
export const MAX_INVOICES_PER_PAYMENT = 50;

const attemptKey = z.uuid({ error: 'errPageExpired' });

/** A repeated field as a list (one posted value is a list of one; the browser check sees the first). */
function idList<K extends string>(message: K, empty: K) {
  return z.pipe(
    z.transform((v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v])),
    z.array(z.uuid({ error: message })).check(z.minLength(1, empty), z.maxLength(MAX_INVOICES_PER_PAYMENT, message)),
  );
}

/** What the page showed as the total, in minor units (lib refuses it if the amount due changed). */
const shownAmount = z.pipe(
  z.string({ error: 'errPageExpired' }).check(z.regex(/^\d{1,10}$/, 'errPageExpired')),
  z.transform((v: string) => Number(v)),
);

/** MM/YY or MM/YYYY, as printed on a card ("04/29", "4 / 2029"). */
const EXPIRY = /^\s*(0?[1-9]|1[0-2])\s*\/\s*(\d{2}|\d{4})\s*$/;

export function parseExpiry(value: string): { expMonth: number; expYear: number } | null {
  const match = EXPIRY.exec(value);
  if (!match) return null;
  const year = Number(match[2]);
  return { expMonth: Number(match[1]), expYear: match[2]!.length === 2 ? 2000 + year : year };
}

/**
 * The simulated card form's fields (the test gateway only). The number must be one of the
 * documented test cards; whether the expiry has passed is the server's clock to say.
 */
const testCardFields = {
  number: z.string({ error: 'errCardNumberRequired' }).check(
    z.trim(),
    z.minLength(1, 'errCardNumberRequired'),
    z.maxLength(40, 'errTestCardUnknown'),
    z.refine((v) => findTestCard(v) !== undefined, 'errTestCardUnknown'),
  ),
  expiry: z.string({ error: 'errExpiry' }).check(z.maxLength(12, 'errExpiry'), z.regex(EXPIRY, 'errExpiry')),
  cvc: z.string({ error: 'errCvc' }).check(z.trim(), z.regex(/^\d{3,4}$/, 'errCvc')),
};

/** A card token made in the browser by Stripe's Payment Element (a PaymentMethod id). */
const stripeToken = z.string({ error: 'errCardToken' }).check(z.regex(/^pm_[A-Za-z0-9_]{1,200}$/, 'errCardToken'));

const payFields = {
  attemptKey,
  invoice: idList('errPageExpired', 'errChooseInvoice'),
  amount: shownAmount,
};

/** /portal/billing/pay with the test gateway's simulated card form. */
export const payWithTestCardSchema = formSchema(z.object({ ...payFields, ...testCardFields }, { error: 'fixErrors' }));
export type PayWithTestCardInput = z.output<typeof payWithTestCardSchema>;

/** /portal/billing/pay with Stripe's Payment Element: the PaymentMethod it made stands for the card. */
export const payWithTokenSchema = formSchema(z.object({ ...payFields, token: stripeToken }, { error: 'fixErrors' }));

/** The simulated bank check: the button pressed says whether the patient approves. */
export const authenticatePaymentSchema = formSchema(z.object({
  paymentId: z.uuid({ error: 'errNotFound' }),
  decision: z.enum(['approve', 'fail'], { error: 'errPageExpired' }),
}, { error: 'errPageExpired' }));

/** A payment the browser finished the bank's check of (Stripe): ask the provider where it stands. */
export const paymentIdSchema = formSchema(z.object({ paymentId: z.uuid({ error: 'errNotFound' }) }, { error: 'errNotFound' }));

// ---------------------------------------------------------------------------------------------
// Saved cards and the patient's authorisation

/** Checkboxes posted under one name, as a list of the known purposes (unknown values refused). */
const scopes = z.pipe(
  z.transform((v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v])),
  z.array(z.enum(CHARGE_PURPOSE_OPTIONS, { error: 'errScope' })).check(z.maxLength(CHARGE_PURPOSE_OPTIONS.length, 'errScope')),
);

/** The clinic's currency as the page showed it: the limit is read in it. */
const CURRENCY = /^[A-Z]{3}$/;
const currency = z.string({ error: 'errPageExpired' }).check(z.regex(CURRENCY, 'errPageExpired'));

const authorizationFields = {
  currency,
  scope: z.optional(scopes),
  maxAmount: z.optional(z.string({ error: 'errMaxAmount' }).check(z.maxLength(40, 'errMaxAmount'))),
};

/** A limit typed as text ("200", "1,200.50"), or null for none; undefined when it is not an amount above zero. */
export function readMaxAmount(text: string | undefined, currencyCode: string): number | null | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return null;
  // The schema's object check runs even when the currency field failed: Intl throws on a code it does not know.
  if (!CURRENCY.test(currencyCode)) return undefined;
  let amount: number | null;
  try {
    amount = parseMoney(trimmed, currencyCode);
  } catch {
    return undefined;
  }
  return amount !== null && amount > 0 && amount <= 1_000_000_000 ? amount : undefined;
}

interface AuthorizationValues {
  currency: string;
  scope?: ChargePurpose[];
  maxAmount?: string;
}

/** What the patient authorised, as lib/billing/cards.ts takes it. */
export function authorizationFromForm(values: AuthorizationValues): { scopes: ChargePurpose[]; maxAmount: number | null } {
  return { scopes: values.scope ?? [], maxAmount: readMaxAmount(values.maxAmount, values.currency) ?? null };
}

/** The limit is an amount; when authorising, at least one purpose is ticked. */
function checkAuthorization(required: boolean) {
  return z.superRefine((v: AuthorizationValues & { authorize?: string }, ctx) => {
    if (!required && v.authorize !== 'yes') return;
    // In the browser, checkboxes are not bound (the enhancer binds text fields): the server checks them.
    if (v.scope !== undefined && v.scope.length === 0) ctx.issues.push({ code: 'custom', path: ['scope'], message: 'errScope', input: v.scope });
    if (readMaxAmount(v.maxAmount, v.currency) === undefined) ctx.issues.push({ code: 'custom', path: ['maxAmount'], message: 'errMaxAmount', input: v.maxAmount });
  });
}

const authorizeToggle = z.optional(z.enum(['yes'], { error: 'errPageExpired' }));

/** "Add a card" with the simulated card form, and optionally the authorisation beside it. */
export const saveTestCardSchema = formSchema(z.object(
  { attemptKey, ...testCardFields, authorize: authorizeToggle, ...authorizationFields },
  { error: 'fixErrors' },
).check(checkAuthorization(false)));
export type SaveTestCardInput = z.output<typeof saveTestCardSchema>;

/** "Add a card" with Stripe's Payment Element (a SetupIntent confirms it). */
export const saveTokenCardSchema = formSchema(z.object(
  { attemptKey, token: stripeToken, authorize: authorizeToggle, ...authorizationFields },
  { error: 'fixErrors' },
).check(checkAuthorization(false)));

/** `authorize=1`: the patient asked to authorise the card being saved; its page asks for it once the card is saved. */
const authorizeAsked = z.optional(z.enum(['1'], { error: 'errPageExpired' }));

/** The simulated bank check of a card being saved (test card 4000 0025 0000 3155). */
export const authenticateCardSetupSchema = formSchema(z.object({
  setupId: z.uuid({ error: 'errNotFound' }),
  decision: z.enum(['approve', 'fail'], { error: 'errPageExpired' }),
  authorize: authorizeAsked,
}, { error: 'errPageExpired' }));

/** A card setup the browser finished Stripe's bank check of: ask the provider where it stands. */
export const cardSetupIdSchema = formSchema(z.object({ setupId: z.uuid({ error: 'errNotFound' }), authorize: authorizeAsked }, { error: 'errNotFound' }));

/** Authorising the clinic to charge a card already saved. */
export const authorizeCardSchema = formSchema(z.object(
  { cardId: z.uuid({ error: 'errCardNotFound' }), ...authorizationFields },
  { error: 'fixErrors' },
).check(checkAuthorization(true)));

/** One-button forms on a saved card: make default, remove, withdraw the authorisation. */
export const cardIdSchema = formSchema(z.object({ cardId: z.uuid({ error: 'errCardNotFound' }) }, { error: 'errCardNotFound' }));

/** The test card's number, expiry and code as the test gateway tokenises them. */
export function testCardFromForm(values: { number: string; expiry: string; cvc: string }) {
  const expiry = parseExpiry(values.expiry);
  if (!expiry) throw new Error('testCardFromForm: the form was not checked with its schema');
  return { number: cardDigits(values.number), ...expiry, cvc: values.cvc.trim() };
}

// ---------------------------------------------------------------------------------------------
// What the actions answer the pages' forms with (types only)

/** The pay and save-card forms: after a refusal, a fresh attempt key (the last one is spent). */
export interface CardFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  attemptKey?: string;
  /** A decline: nothing was charged and the invoice is still open. */
  declined?: boolean;
}

/** Stripe's card form, after the server has the PaymentMethod: where the payment (or card setup) stands. */
export type TokenCallResult =
  | { ok: true; status: 'succeeded' | 'pending'; next: string }
  | { ok: true; status: 'requires_action'; clientSecret: string; paymentId?: string; setupId?: string; next: string }
  | { ok: false; message?: string; fieldErrors?: Record<string, string>; attemptKey?: string };
