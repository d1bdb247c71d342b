import Link from 'next/link';
import { BrandMark } from '@/components/brand/brand-mark';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { NavLabel, type NavItem } from './nav-label';
import { NavLink } from './nav-link';

const AREA_LABEL = { crm: 'CRM', emr: 'EMR' } as const;

/** The frame of the staff areas: clinic header, area switcher, section navigation. */
export function StaffShell({
  area,
  profile,
  nav,
  otherArea,
  account,
  children,
}: {
  area: 'crm' | 'emr';
  profile: TenantProfile;
  nav: NavItem[];
  otherArea?: 'crm' | 'emr';
  account?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div className="min-h-dvh">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-line bg-surface print:hidden">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <Link href={`/${area}`} className="rounded-md">
            <BrandMark profile={profile} size={36} subtitle={`${AREA_LABEL[area]} portal`} />
          </Link>
          <div className="flex items-center gap-3">
            {otherArea ? (
              <Link href={`/${otherArea}`} className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
                Open {AREA_LABEL[otherArea]}
              </Link>
            ) : null}
            {account}
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row">
        {nav.length > 0 ? (
          <nav aria-label={`${AREA_LABEL[area]} sections`} className="md:w-56 md:shrink-0 print:hidden">
            <ul className="flex gap-1 overflow-x-auto md:flex-col">
              {nav.map((item) => (
                <li key={item.href} className="shrink-0">
                  <NavLink href={item.href} exact={item.exact} siblings={nav.map((n) => n.href)}>
                    <NavLabel item={item} />
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
