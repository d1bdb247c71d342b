import Link from 'next/link';
import { BrandMark } from '@/components/brand/brand-mark';
import { DEFAULT_LOCALE, translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { NavLabel } from './nav-label';
import { NavLink } from './nav-link';
import type { NavItem } from './nav-label';
import { NavMore } from './nav-more';

/**
 * The patient portal's frame: a phone-first header with the clinic's brand and the sections.
 * `lang` on the frame makes screen readers switch voice even though <html> says English.
 */
export function PortalShell({
  profile,
  nav = [],
  moreNav = [],
  headerEnd,
  locale,
  children,
}: {
  profile: TenantProfile;
  nav?: NavItem[];
  /** Sections offered under "More" (a phone's row holds about five). */
  moreNav?: NavItem[];
  headerEnd?: React.ReactNode;
  locale?: Locale;
  children: React.ReactNode;
}) {
  // Without a locale the frame is English and inherits `lang` from whatever wraps it.
  const t = translator(common, locale ?? DEFAULT_LOCALE);
  return (
    <div lang={locale} className="flex min-h-dvh flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        {t('skipToContent')}
      </a>
      <header className="border-b border-line bg-surface">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/portal" className="rounded-md">
            <BrandMark profile={profile} size={40} subtitle={t('portalSubtitle')} />
          </Link>
          {headerEnd ? <div className="print:hidden">{headerEnd}</div> : null}
        </div>
        {nav.length > 0 ? (
          <nav aria-label={t('navLabel')} className="relative mx-auto max-w-5xl px-2 pb-2 print:hidden [&_a]:flex [&_a]:min-h-11 [&_a]:items-center">
            {/* The row wraps on a phone rather than scrolling sideways, so every section shows;
                every section (in the row and under More) is a 44 px target, as the portal's buttons are. */}
            <ul className="flex flex-wrap gap-1">
              {nav.map((item) => (
                <li key={item.href}>
                  <NavLink href={item.href} exact={item.exact}>
                    <NavLabel item={item} />
                  </NavLink>
                </li>
              ))}
              {moreNav.length > 0 ? (
                <li>
                  <NavMore label={t('navMore')} items={moreNav} />
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
        {children}
      </main>
      <footer className="border-t border-line bg-surface print:hidden">
        <div className="mx-auto max-w-5xl px-4 py-4 text-sm text-fg-muted">
          {t('footer', { clinic: profile.branding.displayName })}
        </div>
      </footer>
    </div>
  );
}
