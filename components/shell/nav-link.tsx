'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** True when `path` is `href` or below it (`/emr/patients/1` is inside `/emr/patients`). */
export function isCurrent(path: string, href: string, exact = false, siblings: readonly string[] = []): boolean {
  const inside = (h: string) => path === h || path.startsWith(`${h}/`);
  if (exact) return path === href;
  // A deeper item of the same menu (Waitlist at /emr/schedule/waitlist under Schedule) wins.
  return inside(href) && !siblings.some((s) => s.length > href.length && s.startsWith(`${href}/`) && inside(s));
}

/**
 * A navigation link that knows whether it is the current page. It reads the path in the
 * browser: layouts are not re-rendered on client-side navigation, so the server cannot.
 */
export function NavLink({
  href,
  exact,
  siblings,
  variant = 'pill',
  children,
}: {
  href: string;
  exact?: boolean;
  /** The other items' hrefs of the same menu: a deeper match among them takes the mark. */
  siblings?: readonly string[];
  variant?: 'pill' | 'tab';
  children: React.ReactNode;
}) {
  const current = isCurrent(usePathname(), href, exact, siblings);
  const styles = {
    pill: current
      ? 'block rounded-md bg-brand-soft px-3 py-2 text-sm font-semibold text-fg'
      : 'nav-item',
    tab: current
      ? 'block whitespace-nowrap border-b-2 border-brand-accent px-4 py-2 text-sm font-semibold'
      : 'block whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-medium text-fg-muted hover:text-fg',
  };
  return (
    <Link href={href} aria-current={current ? 'page' : undefined} className={styles[variant]}>
      {children}
    </Link>
  );
}
