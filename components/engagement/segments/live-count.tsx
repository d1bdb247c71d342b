'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { patientsMatch, segmentCountSchema, type SegmentCountState } from '@/lib/engagement/segments/forms';

/**
 * "1,204 patients match": the builder's count, asked again a moment after the conditions stop
 * changing (debounced), only once they are complete (checked with the form's own schema first),
 * and shown only for the latest question (an older answer arriving late is dropped). The server
 * answers a number, never who. Announced politely; the "updating" hint is for sighted users.
 */

const DEBOUNCE_MS = 400;

type Shown = { kind: 'count'; count: number } | { kind: 'failed' };

export function LiveCount({ payload, countAction, initialCount, live }: {
  /** The slots' fields as the form would post them; a new object when a condition changes. */
  payload: Record<string, string | string[]>;
  countAction: (input: unknown) => Promise<SegmentCountState>;
  /** The saved conditions' count, from the page. */
  initialCount: number;
  live: boolean;
}) {
  const key = JSON.stringify(payload);
  // The last answer and the conditions it answered; the first is the page's own count.
  const [answer, setAnswer] = useState<{ key: string; shown: Shown }>(() => ({ key, shown: { kind: 'count', count: initialCount } }));
  const latest = useRef(key);
  const complete = useMemo(() => segmentCountSchema.safeParse(JSON.parse(key)).success, [key]);
  const answeredKey = answer.key;

  useEffect(() => {
    latest.current = key;
    if (!complete || answeredKey === key) return;
    const timer = setTimeout(() => {
      const settle = (shown: Shown) => {
        if (latest.current === key) setAnswer({ key, shown });
      };
      countAction(JSON.parse(key)).then(
        (a) => settle(a.ok && typeof a.count === 'number' ? { kind: 'count', count: a.count } : { kind: 'failed' }),
        () => settle({ kind: 'failed' }),
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, complete, answeredKey, countAction]);

  const updating = complete && answer.key !== key;
  const text = !complete
    ? 'Finish each condition to see how many patients match.'
    : answer.shown.kind === 'count' ? patientsMatch(answer.shown.count) : 'The count could not be updated. Change a condition to try again.';

  return (
    <div className="rounded-lg border border-line bg-brand-soft px-4 py-3">
      <p role="status" aria-live="polite" className="text-lg font-semibold tabular-nums">{text}</p>
      <p className="mt-1 text-sm text-fg-muted">
        {live
          ? <>Counted today, on the clinic’s calendar; a campaign counts again when it goes out.{updating ? <span aria-hidden> Updating…</span> : null}</>
          : 'With the saved conditions, today. Save to count new conditions.'}
      </p>
    </div>
  );
}
