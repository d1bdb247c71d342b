import type { Metadata } from 'next';
import Link from 'next/link';
import { CardButtonForm } from '@/components/billing/portal/card-button-form';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalCards } from '@/lib/billing/cards';
import { formatMoney } from '@/lib/billing/money';
import { getBillingSettings } from '@/lib/billing/settings';
import { now } from '@/lib/clock';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { makeDefaultCardAction, revokeAuthorizationAction } from '../actions';
import { clinicOf, linkButton, orNotFound, secondaryLink, textLink } from '../billing-page';
import { cardName, purposeLabels } from './card-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('cardsTitle') };
}

const DONE = {
  saved: 'cardSaved', 'saved-authorized': 'cardSavedAuthorized', removed: 'cardRemoved', default: 'defaultChanged',
  authorized: 'authorizationGranted', revoked: 'authorizationRevoked', pending: 'cardPending',
} as const;

/**
 * Saved cards (seed 002, issue 16 point 5): brand, last four, expiry, the default, and what the
 * patient authorised the clinic to charge each for, up to what and since when. Remove asks
 * first (its own page, so it works without JavaScript).
 */
export default async function PortalCardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const db = getDb();
  const [cards, settings, clinic] = await Promise.all([orNotFound(listPortalCards(db, portal)), getBillingSettings(db, portal.tenant.id), clinicOf(portal)]);
  const done = (await searchParams).done;
  const notice = typeof done === 'string' && Object.hasOwn(DONE, done) ? t(DONE[done as keyof typeof DONE]) : undefined;
  const purposes = purposeLabels(t);
  const today = now();
  const month = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1 };

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <header>
        <h1 className="text-2xl font-semibold">{t('cardsTitle')}</h1>
        <p className="mt-1 text-fg-muted">{t('cardsIntro')}</p>
      </header>
      {notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm" data-testid="cards-notice">{notice}</p> : null}

      {cards.length === 0 ? <EmptyState title={t('cardsNone')} /> : (
        <ul className="space-y-3" data-testid="saved-cards">
          {cards.map((card) => {
            const name = cardName(t, card);
            const expired = card.expYear < month.year || (card.expYear === month.year && card.expMonth < month.month);
            const auth = card.authorization;
            return (
              <li key={card.id}>
                <article aria-labelledby={`card-${card.id}`} className="space-y-3 rounded-xl border border-line bg-surface p-4">
                  <div className="flex flex-wrap items-center gap-2">
                    <h2 id={`card-${card.id}`} className="text-lg font-semibold">{name}</h2>
                    {card.isDefault ? <span className="rounded-full border border-line bg-brand-soft px-2.5 py-0.5 text-sm font-medium">{t('defaultBadge')}</span> : null}
                    {expired ? <span className="rounded-full border border-red-300 bg-red-50 px-2.5 py-0.5 text-sm font-medium text-red-900">{t('expiredBadge')}</span> : null}
                  </div>
                  <p className="text-sm text-fg-muted">{t('expires', { date: `${String(card.expMonth).padStart(2, '0')}/${card.expYear}` })}</p>
                  <div className="rounded-lg bg-surface-muted p-3 text-sm" data-testid="card-authorization">
                    {auth ? (
                      <>
                        <p>{t('authorizedFor', { purposes: auth.scopes.map((s) => purposes[s]).join(t('listSeparator')) })}</p>
                        <p>{auth.maxAmount !== null ? t('limitPerCharge', { amount: formatMoney(auth.maxAmount, settings.currency, INTL_LOCALE[locale]) }) : t('noLimit')}</p>
                        <p>{t('authorizedSince', { date: fmt.dateTime(auth.grantedAt, clinic.zone) })}</p>
                      </>
                    ) : <p>{t('notAuthorized')}</p>}
                  </div>
                  <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
                    {!card.isDefault ? (
                      <CardButtonForm action={makeDefaultCardAction} cardId={card.id} label={t('makeDefault')} pendingLabel={t('working')}
                        accessibleLabel={`${t('makeDefault')}: ${name}`} testId="card-make-default" />
                    ) : null}
                    {auth ? (
                      <CardButtonForm action={revokeAuthorizationAction} cardId={card.id} label={t('revoke')} pendingLabel={t('working')}
                        accessibleLabel={`${t('revoke')}: ${name}`} testId="card-revoke" />
                    ) : (
                      <Link href={`/portal/billing/cards/${card.id}/authorize`} className={secondaryLink} aria-label={`${t('authorize')}: ${name}`} data-testid="card-authorize">{t('authorize')}</Link>
                    )}
                    <Link href={`/portal/billing/cards/${card.id}/remove`} className={secondaryLink} aria-label={`${t('remove')}: ${name}`} data-testid="card-remove">{t('remove')}</Link>
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      )}
      <p><a href="/portal/billing/cards/new" className={linkButton} data-testid="add-card">{t('addCard')}</a></p>
    </div>
  );
}
