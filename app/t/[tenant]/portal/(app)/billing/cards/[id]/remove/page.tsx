import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CardButtonForm } from '@/components/billing/portal/card-button-form';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalCards } from '@/lib/billing/cards';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { removeCardAction } from '../../../actions';
import { orNotFound, textLink } from '../../../billing-page';
import { cardName } from '../../card-text';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('removeTitle') };
}

/** The confirmation before a saved card is removed (a page, so it works without JavaScript). */
export default async function RemoveCardPage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('billing');
  const { t } = await getPortalI18n(billing);
  const { id } = await params;
  const card = (await orNotFound(listPortalCards(getDb(), portal))).find((c) => c.id === id);
  if (!card) notFound();
  const name = cardName(t, card);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">{t('removeTitle')}</h1>
      <div className="space-y-2 rounded-xl border border-line bg-surface p-4">
        <p className="font-medium">{t('removeQuestion', { card: name })}</p>
        <p className="text-fg-muted">{t('removeExplain')}</p>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <CardButtonForm action={removeCardAction} cardId={card.id} label={t('removeConfirm')} pendingLabel={t('removing')} tone="danger" testId="card-remove-confirm" />
        <Link href="/portal/billing/cards" className={`${textLink} justify-center px-2`}>{t('cancel')}</Link>
      </div>
    </div>
  );
}
