import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { clinicPhone, patientZone, toDisplayMessage } from '@/lib/conversations/display-message';
import { ThreadLive } from '@/components/portal/messages/thread-live';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { AUTO_CLOSE_HOURS } from '@/lib/conversations/policy';
import { openPortalThread, portalComposeState } from '@/lib/conversations/portal';
import type { ThreadView } from '@/lib/conversations/types';
import { interpolateParts, messagesFor } from '@/lib/i18n/core';
import { inbox } from '@/lib/i18n/messages/inbox';
import { getPortalI18n } from '@/lib/i18n/portal';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { deleteMessageAction, replyAction } from '../actions';
import { ArrowLeft } from 'lucide-react';

// Not the subject: it may be health information, and titles end up in history and tab lists.
export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(inbox);
  return { title: t('title') };
}

export default async function PortalThreadPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient('messages');
  const { t, fmt, locale } = await getPortalI18n(inbox);
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const db = getDb();
  let view: ThreadView;
  try {
    // Another patient's conversation (say, after switching patient) is not found, like a missing one.
    view = await openPortalThread(db, portal, id.data);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const { conversation } = view;
  const zone = patientZone(portal.account.timeZone, profile.locations);
  const displayCtx = { t, fmt, locale, zone, patientName: conversation.patient.name, nowMs: now().getTime() };
  const phone = clinicPhone(profile.locations);

  let blocked: React.ReactNode = null;
  if (!view.mayReply) {
    if (conversation.status === 'closed') {
      const compose = await portalComposeState(db, portal);
      const link = (
        <Link key="link" href="/portal/messages/new" className="font-medium text-brand-accent underline">{t('closedStartNewLink')}</Link>
      );
      blocked = (
        <p>
          {conversation.closedReason === 'auto' ? t('closedAuto', { hours: AUTO_CLOSE_HOURS }) : t('closedByClinic')}{' '}
          {compose.mayStart
            ? interpolateParts(t('closedStartNew'), { link })
            : phone
              ? t('closedCall', { phone: formatPhoneForDisplay(phone) })
              : t('closedContact')}
        </p>
      );
    } else {
      blocked = <p>{t('replyBlocked')}</p>;
    }
  }

  return (
    <div className="space-y-6">
      <p>
        <Link href="/portal/messages" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
          <ArrowLeft aria-hidden className="inline size-4 align-[-0.125em]" />{' '}
          {t('backToMessages')}
        </Link>
      </p>
      <div>
        <h1 className="break-words text-2xl font-semibold">{conversation.subject}</h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-fg-muted">
          <span className="inline-flex items-center rounded-full border border-line bg-surface-muted px-2.5 py-0.5 font-medium text-fg">
            {conversation.status === 'open' ? t('statusOpen') : t('statusClosed')}
          </span>
          {portal.patient.relationship !== 'self' ? <span>{t('aboutPatient', { name: conversation.patient.name })}</span> : null}
          <span>{t('timesShownIn', { zone: fmt.zoneName(now(), zone) })}</span>
        </p>
      </div>
      <ThreadLive
        key={conversation.id}
        actions={{ reply: replyAction, deleteMessage: deleteMessageAction }}
        conversationId={conversation.id}
        status={conversation.status}
        initialMessages={view.messages.map((m) => toDisplayMessage(m, displayCtx))}
        mayReply={view.mayReply}
        blocked={blocked}
        messages={messagesFor(inbox, locale)}
      />
    </div>
  );
}
