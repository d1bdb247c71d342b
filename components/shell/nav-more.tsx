'use client';

import { usePathname } from 'next/navigation';
import { useRef } from 'react';
import { isCurrent, NavLink } from './nav-link';
import { NavLabel, type NavItem } from './nav-label';
import { ChevronDown } from 'lucide-react';

/**
 * The less used sections, behind "More": a <details> disclosure, so it opens without JavaScript
 * and is announced as expanded or collapsed. On a phone its list drops below the whole navigation
 * (the nav is the positioned box), full width; on wider screens, under the button. It closes when a link
 * in it is followed (client-side navigation keeps the element, and with it the open state).
 */
export function NavMore({ label, items }: { label: string; items: NavItem[] }) {
  const path = usePathname();
  const details = useRef<HTMLDetailsElement>(null);
  const current = items.some((item) => isCurrent(path, item.href, item.exact));
  return (
    <details
      ref={details}
      className="sm:relative"
      // A menu, not a modal: it does not hold the focus, but Escape closes it and returns the
      // focus to its button, as a menu button's does.
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !details.current?.open) return;
        details.current.removeAttribute('open');
        details.current.querySelector('summary')?.focus();
      }}
    >
      <summary
        className={`flex min-h-11 cursor-pointer list-none items-center gap-1 rounded-md px-3 py-2 text-sm [&::-webkit-details-marker]:hidden ${
          current ? 'bg-brand-soft font-semibold text-fg' : 'font-medium text-fg-muted hover:bg-surface-muted hover:text-fg'
        }`}
      >
        {label}
        <ChevronDown aria-hidden className="size-4" />
      </summary>
      <ul
        className="absolute left-2 right-2 top-full z-20 rounded-md border border-line bg-surface p-1 shadow-lg sm:left-0 sm:right-auto sm:mt-1 sm:w-56"
        onClick={(event) => {
          if ((event.target as HTMLElement).closest('a')) details.current?.removeAttribute('open');
        }}
      >
        {items.map((item) => (
          <li key={item.href}>
            <NavLink href={item.href} exact={item.exact}>
              <NavLabel item={item} />
            </NavLink>
          </li>
        ))}
      </ul>
    </details>
  );
}
