import 'server-only';
import { cookies } from 'next/headers';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { getRequestTenant, getTenantProfile } from '@/lib/tenancy/request-tenant';
import { formatters, PORTAL_LANGUAGE_COOKIE, toLocale, translator, type Catalog, type Formatters, type Locale, type Messages, type Translate } from './core';

export { PORTAL_LANGUAGE_COOKIE } from './core';

export interface PortalI18n<M extends Messages> {
  locale: Locale;
  t: Translate<M>;
  fmt: Formatters;
}

function build<M extends Messages>(catalog: Catalog<M>, locale: Locale): PortalI18n<M> {
  return { locale, t: translator(catalog, locale), fmt: formatters(locale) };
}

/** Signed-in pages and actions: the account's own language setting. */
export async function getPortalI18n<M extends Messages>(catalog: Catalog<M>): Promise<PortalI18n<M>> {
  const portal = await requirePortalAccount();
  return build(catalog, toLocale(portal.account.language));
}

/** Public portal pages (sign-in, activation…): this device's last choice, else the clinic's default. */
export async function getPublicPortalLocale(): Promise<Locale> {
  const remembered = (await cookies()).get(PORTAL_LANGUAGE_COOKIE)?.value;
  if (remembered) return toLocale(remembered);
  const tenant = await getRequestTenant();
  const profile = await getTenantProfile(tenant.id);
  return toLocale(profile?.portal.defaultLanguage);
}

export async function getPublicPortalI18n<M extends Messages>(catalog: Catalog<M>): Promise<PortalI18n<M>> {
  return build(catalog, await getPublicPortalLocale());
}
