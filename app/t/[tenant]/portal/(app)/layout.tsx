import { PortalIdleWarning } from '@/components/auth/portal-idle-warning';
import { PatientSelector } from '@/components/portal/patient-selector';
import { PortalShell } from '@/components/shell/portal-shell';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { billingShownInNav } from '@/lib/billing/settings';
import { shopShownInNav } from '@/lib/commerce/settings';
import { portalUnreadCount } from '@/lib/conversations/portal';
import { getDb } from '@/db/client';
import { messagesFor, translator } from '@/lib/i18n/core';
import { accessLog } from '@/lib/i18n/messages/access-log';
import { activities } from '@/lib/i18n/messages/activities';
import { billing } from '@/lib/i18n/messages/billing';
import { common } from '@/lib/i18n/messages/common';
import { forms } from '@/lib/i18n/messages/forms';
import { notes } from '@/lib/i18n/messages/notes';
import { notesRelationships } from '@/lib/i18n/messages/notes-relationships';
import { shop } from '@/lib/i18n/messages/shop';
import { subscriptionsMessages } from '@/lib/i18n/messages/subscriptions';
import { getPortalI18n } from '@/lib/i18n/portal';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { choosePatientAction, idleSecondsLeftAction, idleSignOutAction, keepAliveAction, signOutAction } from './actions';

/** Signed-in portal frame. Each page re-checks the session itself: layouts do not re-run on navigation. */
export default async function PortalAppLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalAccount();
  const { t, locale } = await getPortalI18n(common);
  const messages = messagesFor(common, locale);
  // A failing count must not take the whole frame down; the inbox itself shows the truth. Billing
  // is listed only while the clinic shows it in the portal (its pages answer 404 otherwise).
  const [unread, showBilling, showShop] = await Promise.all([
    portal.patient && hasPortalArea(portal.patient, 'messages') ? portalUnreadCount(getDb(), { ...portal, patient: portal.patient }).catch(() => 0) : 0,
    billingShownInNav(getDb(), portal.tenant.id).catch(() => false),
    shopShownInNav(getDb(), portal.tenant.id).catch(() => false),
  ]);
  // Only the parts of the patient's portal the link opens (a proxy's scope: lib/portal-access/proxy-scope.ts);
  // with nobody chosen yet, every page sends the person to choose first.
  const opens = (area: PortalArea) => !portal.patient || hasPortalArea(portal.patient, area);
  const ifOpen = <T,>(area: PortalArea, item: T): T[] => (opens(area) ? [item] : []);
  // The row holds what patients come for most; the rest is under "More" (a phone shows about five).
  const nav = [
    { href: '/portal', label: t('navHome'), exact: true },
    ...ifOpen('bookings', { href: '/portal/bookings', label: t('navBookings') }),
    ...ifOpen('forms', { href: '/portal/forms', label: translator(forms, locale)('navForms') }),
    ...ifOpen('messages', {
      href: '/portal/messages', label: t('navMessages'),
      badge: { count: unread, label: t('unreadCount', { count: unread }), live: { url: '/api/portal/messages/unread', labelTemplate: messages.unreadCount } },
    }),
    ...ifOpen('documents', { href: '/portal/documents', label: t('navDocuments') }),
  ];
  const moreNav = [
    ...(showBilling ? ifOpen('billing', { href: '/portal/billing', label: translator(billing, locale)('navBilling') }) : []),
    // The shop and the orders it makes, while the clinic's shop is open (browsing is for anyone signed in).
    ...(showShop ? [{ href: '/portal/shop', label: translator(shop, locale)('navShop') }, ...ifOpen('orders', { href: '/portal/orders', label: translator(shop, locale)('navOrders') }),
      ...ifOpen('orders', { href: '/portal/subscriptions', label: translator(subscriptionsMessages, locale)('navSubscriptions') })] : []),
    ...ifOpen('forms', { href: '/portal/activities', label: translator(activities, locale)('navActivities') }),
    ...ifOpen('records', { href: '/portal/notes', label: translator(notes, locale)('navNotes') }),
    ...ifOpen('records', { href: '/portal/data', label: t('navData') }),
    ...ifOpen('bookings', { href: '/portal/history', label: t('navHistory') }),
    { href: '/portal/relationships', label: translator(notesRelationships, locale)('navRelationships') },
    ...ifOpen('access_log', { href: '/portal/access-log', label: translator(accessLog, locale)('navAccessLog') }),
    { href: '/portal/settings', label: t('navSettings') },
  ];
  const headerEnd = (
    <div className="flex flex-wrap items-center gap-3">
      {portal.patients.length > 1 ? (
        <PatientSelector
          action={choosePatientAction}
          patients={portal.patients}
          selectedId={portal.patient?.id ?? null}
          messages={{
            actingFor: messages.actingFor, choosePatient: messages.choosePatient, switchPatient: messages.switchPatient,
            selectorTeenLimited: messages.selectorTeenLimited, selectorAdultEnded: messages.selectorAdultEnded, selectorLimited: messages.selectorLimited,
            selectorNotStarted: messages.selectorNotStarted, selectorEnded: messages.selectorEnded,
          }}
        />
      ) : null}
      <form action={signOutAction}>
        <button type="submit" className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
          {t('signOut')}
        </button>
      </form>
    </div>
  );
  return (
    <PortalShell profile={profile} nav={nav} moreNav={moreNav} headerEnd={headerEnd} locale={locale}>
      {children}
      <PortalIdleWarning
        idleSeconds={portal.idleTimeoutSeconds}
        warnSeconds={AUTH_POLICY.idleWarningSeconds}
        messages={{ idleTitle: messages.idleTitle, idleBody: messages.idleBody, idleBodyOne: messages.idleBodyOne, staySignedIn: messages.staySignedIn }}
        actions={{ secondsLeft: idleSecondsLeftAction, signOut: idleSignOutAction, keepAlive: keepAliveAction }}
      />
    </PortalShell>
  );
}
