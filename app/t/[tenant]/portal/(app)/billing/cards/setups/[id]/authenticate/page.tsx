import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthenticateForm } from '@/components/billing/portal/authenticate-form';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { getPortalCardSetup } from '@/lib/billing/cards';
import { billing, billingLibMessage } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { authenticateCardSetupAction } from '../../../../actions';
import { linkButton, orNotFound, textLink } from '../../../../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('authTitle') };
}

/**
 * The test gateway's simulated bank check of a card being saved (test card 4000 0025 0000 3155),
 * under the test banner: Approve or Fail. `authorize=1` says the patient asked to authorise the
 * card; it is posted on, so the card's page asks for it once the card is saved. A check that
 * failed shows the bank's words and a way to try again; a card already saved goes to the list,
 * and a Stripe setup (its check is Stripe's own) to the list, which says it is being confirmed.
 */
export default async function AuthenticateCardSetupPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('billing');
  const { t, locale } = await getPortalI18n(billing);
  const { id } = await params;
  const authorize = (await searchParams).authorize === '1';
  const setup = await orNotFound(getPortalCardSetup(getDb(), portal, id));
  if (setup.status === 'succeeded') redirect('/portal/billing/cards?done=saved');
  if (setup.gateway !== 'test' || setup.status === 'pending') redirect('/portal/billing/cards?done=pending');

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing/cards" className={textLink}>{t('cardsTitle')}</Link></p>
      <TestModeBanner text={t('testBanner')} />
      {setup.status === 'failed' ? (
        <>
          <h1 className="text-2xl font-semibold">{t('cardNotSavedTitle')}</h1>
          <FormMessage message={setup.failureMessage ? billingLibMessage(locale, setup.failureMessage) : t('declineDefault')} />
          <p>{t('cardNotSavedNote')}</p>
          {/* A full page load: the card form's page has its own security policy (Stripe). */}
          <p><a href="/portal/billing/cards/new" className={linkButton} data-testid="card-try-again">{t('tryAgain')}</a></p>
        </>
      ) : (
        <>
          <h1 className="text-2xl font-semibold">{t('authTitle')}</h1>
          <p>{t('authCardIntro')}</p>
          <AuthenticateForm
            action={authenticateCardSetupAction}
            fields={{ setupId: setup.id, ...(authorize ? { authorize: '1' } : {}) }}
            messages={{ approve: t('approve'), fail: t('fail'), checking: t('checking') }}
          />
        </>
      )}
    </div>
  );
}
