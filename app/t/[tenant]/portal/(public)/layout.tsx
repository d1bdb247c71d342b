import { LanguageSwitch } from '@/components/portal-access/language-switch';
import { PortalShell } from '@/components/shell/portal-shell';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { setPortalLanguageAction } from './actions';

/** The frame before signing in: this device's language (else the clinic's), and a way to change it. */
export default async function PortalPublicLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const locale = await getPublicPortalLocale();
  return (
    <PortalShell profile={profile} locale={locale} headerEnd={<LanguageSwitch action={setPortalLanguageAction} locale={locale} label={portalSignIn[locale].languageSwitch} />}>
      {children}
    </PortalShell>
  );
}
