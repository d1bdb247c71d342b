'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, useSyncExternalStore } from 'react';

/**
 * While a campaign is on its way, its page asks the server again every few seconds (the report's
 * counts move). The updates can be paused (WCAG 2.2.2); without JavaScript a link reloads.
 */

const noSubscription = () => () => undefined;

export function CampaignAutoRefresh({ href, seconds = 5 }: { href: string; seconds?: number }) {
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  if (!live) {
    return <p className="text-sm"><a href={href} className="link">Refresh the counts</a></p>;
  }
  return <Poller seconds={seconds} />;
}

/** Mounted in the browser only, where the router is. */
function Poller({ seconds }: { seconds: number }) {
  const router = useRouter();
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [paused, router, seconds]);
  return (
    <p className="flex flex-wrap items-center gap-3 text-sm text-fg-muted">
      {paused ? 'Updates are paused.' : `The counts update every ${seconds} seconds while it sends.`}
      <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}
        className="inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium text-fg hover:bg-surface-muted">
        Pause updates
      </button>
    </p>
  );
}
