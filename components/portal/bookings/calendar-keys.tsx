'use client';

import { useEffect, useRef, type ReactNode } from 'react';

function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Arrow keys for the month picker, once JavaScript runs: the day links become one tab stop (the
 * chosen day) and the arrows move between days with free times (left/right: the previous/next
 * one; up/down: a week back/on, else the nearest; Home/End: the first/last), as date pickers
 * do. Without JavaScript every day link stays a tab stop and works as a plain link.
 */
export function CalendarKeys({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const links = () => [...root.querySelectorAll<HTMLAnchorElement>('a[data-day]')];
    const all = links();
    const current = all.find((a) => a.hasAttribute('aria-current')) ?? all[0];
    for (const link of all) link.tabIndex = link === current ? 0 : -1;
    const onKey = (event: KeyboardEvent) => {
      const from = event.target;
      if (!(from instanceof HTMLAnchorElement) || !from.dataset['day']) return;
      const list = links();
      const at = list.indexOf(from);
      const day = from.dataset['day'];
      const dayOf = (a: HTMLAnchorElement) => a.dataset['day'] ?? '';
      let to: HTMLAnchorElement | undefined;
      switch (event.key) {
        case 'ArrowRight': to = list[at + 1]; break;
        case 'ArrowLeft': to = list[at - 1]; break;
        case 'ArrowDown': to = list.find((a) => dayOf(a) >= shiftDate(day, 7)) ?? list.at(-1); break;
        case 'ArrowUp': to = list.findLast((a) => dayOf(a) <= shiftDate(day, -7)) ?? list[0]; break;
        case 'Home': to = list[0]; break;
        case 'End': to = list.at(-1); break;
        default: return;
      }
      event.preventDefault();
      if (!to || to === from) return;
      from.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    };
    root.addEventListener('keydown', onKey);
    return () => root.removeEventListener('keydown', onKey);
  }, []);
  return <div ref={ref}>{children}</div>;
}
