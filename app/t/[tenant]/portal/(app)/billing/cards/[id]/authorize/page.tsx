import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuthorizeCardForm } from '@/components/billing/portal/authorize-card-form';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalCards } from '@/lib/billing/cards';
import { getBillingSettings } from '@/lib/billing/settings';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { authorizeCardAction } from '../../../actions';
import { clinicOf, formErrors, orNotFound, textLink } from '../../../billing-page';
import { authorizationMessages, cardName } from '../../card-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('authorizeTitle') };
}

/**
 * Authorising the clinic to charge a saved card (a new authorisation replaces the card's current
 * one). `saved=1`: the card was just saved after the bank's check, with the authorisation asked
 * for on the card form, so the page says the card is saved and asks for it here.
 */
export default async function AuthorizeCardPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('billing');
  const { t, locale } = await getPortalI18n(billing);
  const { id } = await params;
  const justSaved = (await searchParams).saved === '1';
  const db = getDb();
  const card = (await orNotFound(listPortalCards(db, portal))).find((c) => c.id === id);
  if (!card) notFound();
  const [settings, clinic] = await Promise.all([getBillingSettings(db, portal.tenant.id), clinicOf(portal)]);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing/cards" className={textLink}>{t('cardsTitle')}</Link></p>
      {justSaved ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm" data-testid="cards-notice">{t('cardSavedAuthorizeNow')}</p> : null}
      <h1 className="text-2xl font-semibold">{t('authorizeTitle')}</h1>
      <p className="text-lg font-medium">{cardName(t, card)}</p>
      <AuthorizeCardForm
        action={authorizeCardAction}
        cardId={card.id}
        currency={settings.currency}
        messages={{ submit: t('authorizeSubmit'), working: t('working'), errorSummary: t('errorSummary'), authorization: { ...authorizationMessages(t, locale, clinic.name), legend: t('authorizeLegendPlain', { clinic: clinic.name }) }, errors: formErrors(t) }}
      />
    </div>
  );
}
