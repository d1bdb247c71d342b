import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/portal/empty-state';
import { composeBlockedText } from '@/lib/conversations/compose-reason';
import { clinicPhone, patientZone } from '@/lib/conversations/display-message';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { listPortalConversations, portalComposeState } from '@/lib/conversations/portal';
import { inbox } from '@/lib/i18n/messages/inbox';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(inbox);
  return { title: t('title') };
}

const primaryLink =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md hover:ring-2 hover:ring-brand/30';

export default async function PortalMessagesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient('messages');
  const { t, fmt } = await getPortalI18n(inbox);
  const { patient } = portal;
  const db = getDb();
  // The patient comes from the session only: nothing on this page reads an id from the URL.
  const [conversations, compose] = await Promise.all([listPortalConversations(db, portal), portalComposeState(db, portal)]);
  const zone = patientZone(portal.account.timeZone, profile.locations);
  const clinic = profile.branding.displayName;

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold">{t('heading')}</h1>
          <p className="mt-1 text-fg-muted">
            {patient.relationship === 'self' ? t('introSelf', { clinic }) : t('introOther', { clinic, name: `${patient.firstName} ${patient.lastName}` })}
          </p>
        </div>
        {compose.mayStart ? (
          <Link href="/portal/messages/new" className={`${primaryLink} shrink-0`}>{t('newMessage')}</Link>
        ) : null}
      </div>
      {!compose.mayStart ? (
        <p className="rounded-xl border border-line bg-surface-muted p-4 text-sm">
          {composeBlockedText(t, compose.reason, clinicPhone(profile.locations))}
        </p>
      ) : null}

      <section aria-labelledby="conversations-heading" className="space-y-3">
        <h2 id="conversations-heading" className="sr-only">{t('listHeading')}</h2>
        {conversations.length === 0 ? (
          <EmptyState title={t('emptyTitle')}>{compose.mayStart ? t('emptyBodyMayStart') : t('emptyBody')}</EmptyState>
        ) : (
          <>
            <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
              {conversations.map((c) => {
                const unread = c.unreadCount === 1 ? t('unreadOne') : t('unreadOther', { count: c.unreadCount });
                return (
                  <li key={c.id}>
                    <Link
                      href={`/portal/messages/${c.id}`}
                      className="flex flex-col gap-2 p-4 hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-brand-accent sm:flex-row sm:items-center sm:justify-between"
                    >
                      <span className="min-w-0">
                        <span className={`block break-words ${c.unreadCount > 0 ? 'font-semibold' : 'font-medium'}`}>{c.subject}</span>
                        <span className="mt-1 block text-sm text-fg-muted">
                          {t('lastMessage', { time: fmt.dateTime(new Date(c.lastMessageAt), zone) })}
                        </span>
                      </span>
                      <span className="flex shrink-0 flex-wrap items-center gap-2">
                        <span className={`pill ${c.status === 'open' ? 'border-line bg-brand-soft text-fg' : 'border-line bg-surface-muted text-fg'}`}>
                          {c.status === 'open' ? t('statusOpen') : t('statusClosed')}
                        </span>
                        {c.unreadCount > 0 ? (
                          <span className="inline-flex items-center rounded-full bg-brand px-2.5 py-0.5 text-sm font-semibold text-brand-contrast">
                            {unread}
                          </span>
                        ) : null}
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
            <p className="text-sm text-fg-muted">{t('timesShownIn', { zone: fmt.zoneName(now(), zone) })}</p>
          </>
        )}
      </section>
    </div>
  );
}
