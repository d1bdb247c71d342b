import { NavBadge } from './nav-badge';
import type { NavItem } from './staff-shell';

/** A section's name, with its count (unread messages) drawn as a badge and read as words. */
export function NavLabel({ item }: { item: NavItem }) {
  return (
    <>
      {item.label}
      {item.badge ? <NavBadge count={item.badge.count} label={item.badge.label} live={item.badge.live} /> : null}
    </>
  );
}
