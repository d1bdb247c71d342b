import 'server-only';
import type { PaymentGatewayKind } from '@/db/schema/billing';

/**
 * The one interface Carebridge takes card payments through. Two adapters: Stripe (Connect: each
 * clinic's own account is the merchant) and the built-in test gateway (the embedded default,
 * refused in production). Rules every adapter keeps:
 * - every call that creates something carries the caller's idempotency key, saved in Postgres
 *   before the first attempt, so a retry returns the first result instead of charging again;
 * - metadata and descriptions carry opaque ids only, never health information;
 * - card numbers never reach Carebridge with Stripe (the Payment Element makes a PaymentMethod in
 *   the browser); the test gateway takes only its documented test numbers.
 */

/** Which merchant a call is for: the clinic, and its connected Stripe account if any. */
export interface GatewayAccount {
  tenantId: string;
  stripeAccountId: string | null;
}

export interface CardSummary {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface GatewayFailure {
  /** The provider's decline or error code (card_declined, insufficient_funds, …). */
  code: string;
  /** Plain words for the person paying (lib/billing/decline-messages.ts). */
  message: string;
}

export type GatewayPaymentStatus = 'succeeded' | 'requires_action' | 'processing' | 'failed';

export interface GatewayPaymentResult {
  /** The provider's id for the payment (pi_…, test_pi_…). */
  ref: string;
  status: GatewayPaymentStatus;
  /** requires_action: what the browser needs for the bank's check (Stripe's client secret). */
  clientSecret?: string | null;
  card?: CardSummary | null;
  failure?: GatewayFailure | null;
}

/** Where the card comes from: just entered in the browser, or saved and charged without the patient. */
export type PaymentSource =
  | { kind: 'token'; token: string }
  | { kind: 'saved'; customerRef: string; paymentMethodRef: string };

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  idempotencyKey: string;
  source: PaymentSource;
  /** Opaque ids only. */
  metadata: { carebridge_payment_id: string };
  /** Where the bank's check sends the patient back (Stripe's return_url). */
  returnUrl?: string;
}

export type GatewaySetupStatus = 'succeeded' | 'requires_action' | 'failed';

export interface GatewaySetupResult {
  ref: string;
  status: GatewaySetupStatus;
  clientSecret?: string | null;
  paymentMethodRef?: string | null;
  card?: CardSummary | null;
  failure?: GatewayFailure | null;
}

export interface CreateSetupInput {
  customerRef: string;
  token: string;
  idempotencyKey: string;
  metadata: { carebridge_setup_id: string };
  returnUrl?: string;
}

export type GatewayRefundStatus = 'succeeded' | 'pending' | 'failed';

export interface GatewayRefundResult {
  ref: string;
  status: GatewayRefundStatus;
  failure?: GatewayFailure | null;
}

export interface PaymentGateway {
  readonly kind: PaymentGatewayKind;
  /** Creates and confirms a payment in one call (off-session when the source is a saved card). */
  createPayment(account: GatewayAccount, input: CreatePaymentInput): Promise<GatewayPaymentResult>;
  /** The payment as the provider sees it now (after the bank's check, or to reconcile). */
  retrievePayment(account: GatewayAccount, ref: string): Promise<GatewayPaymentResult>;
  /**
   * The payment the provider made for a Carebridge payment (by its metadata's
   * carebridge_payment_id), or null if it made none: for a payment whose answer was never heard,
   * once the idempotency key is too old to repeat the create call (Stripe forgets keys after 24 h).
   */
  findPayment(account: GatewayAccount, carebridgePaymentId: string): Promise<GatewayPaymentResult | null>;
  /** The patient's customer at the provider, made once per idempotency key. */
  createCustomer(account: GatewayAccount, input: { idempotencyKey: string; metadata: { carebridge_patient_id: string } }): Promise<{ customerRef: string }>;
  /** Saves a card for off-session charges (a SetupIntent). */
  createSetup(account: GatewayAccount, input: CreateSetupInput): Promise<GatewaySetupResult>;
  retrieveSetup(account: GatewayAccount, ref: string): Promise<GatewaySetupResult>;
  /** Forgets a saved card at the provider. */
  detachCard(account: GatewayAccount, paymentMethodRef: string): Promise<void>;
  refund(account: GatewayAccount, input: { paymentRef: string; amount: number; idempotencyKey: string; metadata: { carebridge_refund_id: string } }): Promise<GatewayRefundResult>;
}

/** The provider could not be reached or answered with an error that is not a decline: try again later. */
export class GatewayUnavailableError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'GatewayUnavailableError';
  }
}
