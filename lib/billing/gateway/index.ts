import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { billingSettings, type PaymentGatewayKind } from '@/db/schema';
import { isProductionEnv } from '@/lib/config/env';
import { RuleError } from '@/lib/kernel/errors';
import { createStripeGateway, isStripeConfigured } from './stripe-gateway';
import { createTestGateway } from './test-gateway';
import type { GatewayAccount, PaymentGateway } from './types';

const MESSAGES = {
  'payments-off': 'This clinic does not take card payments online.',
  'payments-not-set-up': 'Payments are not set up yet.',
  'stripe-not-connected': "Payments are not set up yet: the clinic's Stripe account is not connected.",
  'stripe-charges-disabled': "Card payments are not available yet: the clinic's Stripe account cannot take payments. The clinic can finish its Stripe setup under CRM → Billing.",
} as const;

export type PaymentsUnavailableCode = keyof typeof MESSAGES;

/** The clinic cannot take (or settle) card payments now; the sentence is the one the person reads. */
export class PaymentsUnavailableError extends RuleError {
  constructor(code: PaymentsUnavailableCode) {
    super(code, MESSAGES[code]);
    this.name = 'PaymentsUnavailableError';
  }
}

export interface ClinicGateway {
  gateway: PaymentGateway;
  account: GatewayAccount;
  kind: PaymentGatewayKind;
}

// The Stripe adapter holds no clinic state (the account travels with each call), so one serves all.
const stripeGateway = createStripeGateway();

/**
 * The payment gateway a clinic takes payments through, from its billing settings, or why it cannot:
 * - payments turned off (CRM → Billing);
 * - the test gateway in production: a simulator must never stand in for real money;
 * - Stripe without the platform's key, without a connected account, or with an account that cannot
 *   take charges yet (Stripe's charges_enabled).
 * `settling`: for money already moving (a refund, the reconciliation job asking about a pending
 * payment), the clinic having turned payments off since, or its account being restricted, must
 * not strand it; the gateway itself must still be usable.
 */
export async function gatewayFor(db: Executor, tenantId: string, options: { settling?: boolean } = {}): Promise<ClinicGateway> {
  const [settings] = await db
    .select({
      paymentsEnabled: billingSettings.paymentsEnabled,
      gateway: billingSettings.gateway,
      stripeAccountId: billingSettings.stripeAccountId,
      stripeChargesEnabled: billingSettings.stripeChargesEnabled,
    })
    .from(billingSettings)
    .where(eq(billingSettings.tenantId, tenantId));
  // No row: the clinic never saved its billing options, and payments are off by default.
  if (!settings) throw new PaymentsUnavailableError('payments-off');
  if (!settings.paymentsEnabled && !options.settling) throw new PaymentsUnavailableError('payments-off');
  const account: GatewayAccount = { tenantId, stripeAccountId: settings.stripeAccountId };
  if (settings.gateway === 'test') {
    // Read at call time (not lib/config/env's isProduction constant) so tests can set the environment.
    if (isProductionEnv(process.env)) throw new PaymentsUnavailableError('payments-not-set-up');
    return { gateway: createTestGateway(db), account, kind: 'test' };
  }
  if (!isStripeConfigured()) throw new PaymentsUnavailableError('payments-not-set-up');
  if (!settings.stripeAccountId) throw new PaymentsUnavailableError('stripe-not-connected');
  if (!settings.stripeChargesEnabled && !options.settling) throw new PaymentsUnavailableError('stripe-charges-disabled');
  return { gateway: stripeGateway, account, kind: 'stripe' };
}
