import type { NavItem } from './staff-shell';

/** A section's name, with its count (unread messages) drawn as a badge and read as words. */
export function NavLabel({ item }: { item: NavItem }) {
  return (
    <>
      {item.label}
      {item.badge && item.badge.count > 0 ? (
        <>
          <span className="sr-only">, {item.badge.label}</span>
          <span aria-hidden="true" className="ml-2 inline-flex min-w-6 items-center justify-center rounded-full bg-brand px-1.5 text-xs font-semibold text-brand-contrast">
            {item.badge.count}
          </span>
        </>
      ) : null}
    </>
  );
}
