import type { Metadata } from 'next';
import Link from 'next/link';
import { ComposeForm } from '@/components/portal/messages/compose-form';
import { composeBlockedText } from '@/lib/conversations/compose-reason';
import { clinicPhone } from '@/lib/conversations/display-message';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { portalComposeState } from '@/lib/conversations/portal';
import { messagesFor } from '@/lib/i18n/core';
import { inbox } from '@/lib/i18n/messages/inbox';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { startConversationAction } from '../actions';
import { ArrowLeft } from 'lucide-react';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(inbox);
  return { title: t('composeTitle') };
}

export default async function PortalNewMessagePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient('messages');
  const { t, locale } = await getPortalI18n(inbox);
  const { patient } = portal;
  const compose = await portalComposeState(getDb(), portal);

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p>
        <Link href="/portal/messages" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
          <ArrowLeft aria-hidden className="inline size-4 align-[-0.125em]" />{' '}
          {t('backToMessages')}
        </Link>
      </p>
      <div>
        <h1 className="text-2xl font-semibold">{t('composeTitle')}</h1>
        {compose.mayStart ? (
          <>
            <p className="mt-1 text-fg-muted">
              {patient.relationship === 'self' ? t('composeIntroSelf') : t('composeIntroOther', { name: `${patient.firstName} ${patient.lastName}` })}
            </p>
            <p className="mt-2 text-sm font-medium">{t('emergencyNote')}</p>
          </>
        ) : null}
      </div>
      {compose.mayStart ? (
        <ComposeForm action={startConversationAction} messages={messagesFor(inbox, locale)} />
      ) : (
        // Reached by a bookmark or an old link: the same explanation as on the list, no form.
        <p className="rounded-xl border border-line bg-surface-muted p-4 text-sm">
          {composeBlockedText(t, compose.reason, clinicPhone(profile.locations))}
        </p>
      )}
    </div>
  );
}
