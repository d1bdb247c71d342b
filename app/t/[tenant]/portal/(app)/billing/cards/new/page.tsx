import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthorizationFields } from '@/components/billing/portal/authorization-fields';
import { StripeCardLoader } from '@/components/billing/portal/stripe-card-loader';
import { TestCardSaveForm } from '@/components/billing/portal/test-card-save-form';
import { TestCardsHelp } from '@/components/billing/portal/test-cards-help';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalCards } from '@/lib/billing/cards';
import { gatewayFor, PaymentsUnavailableError } from '@/lib/billing/gateway';
import { getBillingSettings } from '@/lib/billing/settings';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { refreshCardSetupCall, saveTestCardAction, saveTokenCardCall } from '../../actions';
import { clinicOf, formErrors, orNotFound, stripePublishableKey, testCardOutcomes, textLink } from '../../billing-page';
import { authorizationMessages } from '../card-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('addCardTitle') };
}

/**
 * "Add a card": the card (the simulated form under its banner, or Stripe's Payment Element), and
 * the optional "Authorise the clinic to charge this card" with the wording, the purposes and a
 * limit per charge. lib/billing/cards.ts records the wording's version, time, address and browser.
 */
export default async function AddCardPage() {
  const portal = await requirePortalPatient('billing');
  const { t, locale } = await getPortalI18n(billing);
  const db = getDb();
  // Reading the list checks that the portal shows billing (else 404), as every billing page does.
  await orNotFound(listPortalCards(db, portal));
  const [settings, clinic] = await Promise.all([getBillingSettings(db, portal.tenant.id), clinicOf(portal)]);
  let gateway: 'test' | 'stripe' | null = null;
  let unavailable: string | null = null;
  try {
    gateway = (await gatewayFor(db, portal.tenant.id)).kind;
  } catch (error) {
    if (!(error instanceof PaymentsUnavailableError)) throw error;
    unavailable = error.code === 'payments-off' ? t('rulePaymentsOff') : t('rulePaymentsNotSetUp');
  }
  const publishableKey = stripePublishableKey();
  if (gateway === 'stripe' && !publishableKey) unavailable = t('rulePaymentsNotSetUp');
  const attemptKey = randomUUID();
  const authorization = authorizationMessages(t, locale, clinic.name);

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing/cards" className={textLink}>{t('cardsTitle')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('addCardTitle')}</h1>
      {gateway === 'test' ? <TestModeBanner text={t('testBanner')} /> : null}
      <p className="text-fg-muted">{t('cardsIntro')}</p>
      {unavailable ? <FormMessage message={unavailable} /> : null}

      {gateway === 'test' && !unavailable ? (
        <>
          <TestCardsHelp summary={t('testCardsSummary')} intro={t('testCardsIntro')} outcomes={testCardOutcomes(t)} />
          <TestCardSaveForm
            action={saveTestCardAction}
            attemptKey={attemptKey}
            currency={settings.currency}
            messages={{
              cardHeading: t('cardHeading'), cardNumber: t('cardNumber'), expiry: t('expiry'), cvc: t('cvc'), cvcHint: t('cvcHint'),
              saveCard: t('saveCard'), saving: t('saving'), errorSummary: t('errorSummary'), simulatedNote: t('simulatedNote'),
              authorization, errors: formErrors(t),
            }}
          />
        </>
      ) : null}

      {gateway === 'stripe' && !unavailable && publishableKey ? (
        <StripeCardLoader
          mode="setup"
          publishableKey={publishableKey}
          stripeAccount={settings.stripeAccountId}
          currency={settings.currency}
          locale={locale}
          attemptKey={attemptKey}
          submit={saveTokenCardCall}
          refresh={refreshCardSetupCall}
          loadingText={t('stripeLoading')}
          noScriptText={t('stripeNeedsJavaScript')}
          messages={{
            submit: t('saveCard'), working: t('saving'), errorSummary: t('errorSummary'),
            bankCheck: t('bankCheckStarted'), unavailable: t('stripeUnavailable'), errors: formErrors(t),
          }}
        >
          <AuthorizationFields idPrefix="stripe" currency={settings.currency} optional messages={authorization} errorFor={() => undefined} />
        </StripeCardLoader>
      ) : null}
    </div>
  );
}
