import type { Metadata } from 'next';
import { AccessCard } from '@/components/portal-access/access-card';
import { UnsubscribeForm } from '@/components/engagement/consent/unsubscribe-form';
import { getDb } from '@/db/client';
import { inspectUnsubscribeToken } from '@/lib/engagement/unsubscribe';
import { consent } from '@/lib/i18n/messages/consent';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { unsubscribeAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(consent);
  return { title: t('metaUnsubscribe') };
}

/**
 * Where a marketing email's unsubscribe link leads, on the clinic's host, signed out. Opening it
 * changes nothing (mail scanners open links); the button does. A link of another clinic, or one
 * cut short, is "does not work", without saying which.
 */
export default async function UnsubscribePage({ params, searchParams }: {
  params: Promise<{ tenant: string; token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant, profile } = await getPageTenant(params);
  const { token } = await params;
  const { t } = await getPublicPortalI18n(consent);
  const clinic = profile.branding.displayName;
  const found = await inspectUnsubscribeToken(getDb(), tenant, token);
  if (!found.ok) {
    return (
      <AccessCard title={t('linkInvalidTitle')}>
        <p className="mt-3 text-fg-muted">{t('linkInvalidBody', { clinic })}</p>
      </AccessCard>
    );
  }
  const address = found.maskedAddress;
  if ((await searchParams).done === '1' && found.alreadyUnsubscribed) {
    return (
      <AccessCard title={t('unsubscribedTitle')}>
        <p role="status" className="mt-3 text-fg-muted">{t('unsubscribedBody', { clinic, address })}</p>
      </AccessCard>
    );
  }
  return (
    <AccessCard title={t('unsubscribeTitle', { clinic })}>
      <p className="mt-3 text-fg-muted">
        {found.alreadyUnsubscribed ? t('alreadyUnsubscribedBody', { clinic, address }) : t('unsubscribeBody', { clinic, address })}
      </p>
      <UnsubscribeForm action={unsubscribeAction} token={token} label={t('unsubscribeButton')} />
    </AccessCard>
  );
}
