import Link from 'next/link';

export function NavLink({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className={
        current
          ? 'block rounded-md bg-brand-soft px-3 py-2 text-sm font-semibold text-fg'
          : 'block rounded-md px-3 py-2 text-sm font-medium text-fg-muted hover:bg-surface-muted hover:text-fg'
      }
    >
      {children}
    </Link>
  );
}

/** True when `path` is `href` or below it (`/emr/patients/1` is inside `/emr/patients`). */
export function isCurrent(path: string, href: string, exact = false): boolean {
  return exact ? path === href : path === href || path.startsWith(`${href}/`);
}
