'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';

const REFRESH_MS = 30_000;

/** Where a badge re-reads its count, and its words for screen readers ("{count} unread"). */
export interface LiveCount {
  url: string;
  labelTemplate: string;
}

/**
 * A count beside a section's name, read as words. With `live`, it keeps itself current: the
 * layout that drew it is not re-rendered on client-side navigation, so it asks `url` again after
 * each navigation, when the tab comes back into view, and every 30 seconds while it is visible.
 * A refusal (signed out, access changed) stops it; the page itself says why.
 */
export function NavBadge({ count: drawn, label, live }: { count: number; label: string; live?: LiveCount }) {
  const [count, setCount] = useState(drawn);
  // A fresh render of the layout (after an action) brings a fresh count: take it.
  const [lastDrawn, setLastDrawn] = useState(drawn);
  if (drawn !== lastDrawn) {
    setLastDrawn(drawn);
    setCount(drawn);
  }
  const pathname = usePathname();
  const [firstPath] = useState(pathname);
  const url = live?.url;

  useEffect(() => {
    if (!url) return;
    let stopped = false;
    const controller = new AbortController();
    async function refresh() {
      if (stopped || document.visibilityState !== 'visible') return;
      try {
        const response = await fetch(url!, { cache: 'no-store', headers: { accept: 'application/json' }, signal: controller.signal });
        if (response.status === 401 || response.status === 403 || response.status === 404) stopped = true;
        else if (response.ok) {
          const body = (await response.json()) as { count?: unknown };
          if (typeof body.count === 'number') setCount(body.count);
        }
      } catch {
        // Offline or aborted: keep the last count and try again on the next tick.
      }
    }
    // The count drawn with the page is fresh on the first path; after a navigation it is not.
    if (pathname !== firstPath) void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    const onVisible = () => void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      controller.abort();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [url, pathname, firstPath]);

  if (count <= 0) return null;
  const words = live ? live.labelTemplate.replace('{count}', String(count)) : label;
  return (
    <>
      <span className="sr-only">, {words}</span>
      <span aria-hidden="true" className="ml-2 inline-flex min-w-6 items-center justify-center rounded-full bg-brand px-1.5 text-xs font-semibold text-brand-contrast">
        {count}
      </span>
    </>
  );
}
