import { NavBadge, type LiveCount } from './nav-badge';

export interface NavItem {
  href: string;
  label: string;
  exact?: boolean;
  /**
   * A count beside the label (unread messages); `label` is what screen readers hear with it.
   * With `live`, the badge keeps itself current after client-side navigation.
   */
  badge?: { count: number; label: string; live?: LiveCount };
}


/** A section's name, with its count (unread messages) drawn as a badge and read as words. */
export function NavLabel({ item }: { item: NavItem }) {
  return (
    <>
      {item.label}
      {item.badge ? <NavBadge count={item.badge.count} label={item.badge.label} live={item.badge.live} /> : null}
    </>
  );
}
