'use client';

import { useEffect, useState } from 'react';
import { armedDraft, draftKey, isDraftKey, planRestore, restoreDraft, type KeptDraft } from './form-drafts';

/** How long to wait for a form that renders late (streamed) before giving its draft up. */
const WAIT_MS = 10_000;

function storedDrafts(): [string, string | null][] {
  const out: [string, string | null][] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key && isDraftKey(key)) out.push([key, sessionStorage.getItem(key)]);
  }
  return out;
}

/**
 * After signing in again, puts back what the idle sign-out kept for this staff member and page,
 * says so, and forgets it: a draft is restored once. A form that streams in later is waited for.
 */
export function KeptDraftRestorer({ staffId, path, restoredNotice, dismiss }: { staffId: string; path: string; restoredNotice: string; dismiss: string }) {
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    const here = draftKey(staffId, path);
    let draft: KeptDraft | null;
    try {
      const plan = planRestore(storedDrafts(), staffId, path, Date.now());
      // This page's own draft is forgotten once it is back (or given up), not before: an effect
      // that runs twice (development) must find it the second time.
      for (const key of plan.remove) if (key !== here || !plan.restore) sessionStorage.removeItem(key);
      draft = plan.restore;
    } catch {
      return;
    }
    if (!draft) return;
    let pending = draft;
    const forget = () => sessionStorage.removeItem(here);
    const attempt = () => {
      const missing = restoreDraft(document, pending);
      if (missing.length < pending.fields.length) setRestored(true);
      pending = { ...pending, fields: missing };
      return missing.length === 0;
    };
    if (attempt()) {
      forget();
      return;
    }
    const observer = new MutationObserver(() => {
      if (!attempt()) return;
      observer.disconnect();
      forget();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const stop = setTimeout(() => {
      observer.disconnect();
      forget();
    }, WAIT_MS);
    return () => {
      observer.disconnect();
      clearTimeout(stop);
    };
  }, [staffId, path]);

  if (!restored) return null;
  return (
    <div role="status" className="fixed inset-x-4 bottom-4 z-40 mx-auto flex max-w-lg items-start gap-3 rounded-xl border border-line bg-surface p-4 text-sm text-fg shadow-lg print:hidden">
      <p className="flex-1">{restoredNotice}</p>
      <button type="button" onClick={() => setRestored(false)} className="min-h-11 rounded-md border border-line px-3 font-medium hover:bg-surface-muted">
        {dismiss}
      </button>
    </div>
  );
}

/** On the sign-in page an idle sign-out leads to: the drafts kept in this tab may come back. */
export function ArmKeptDrafts() {
  useEffect(() => {
    try {
      for (const [key, raw] of storedDrafts()) {
        const armed = armedDraft(raw, Date.now());
        if (armed) sessionStorage.setItem(key, armed);
        else sessionStorage.removeItem(key);
      }
    } catch {
      // Storage blocked: nothing was kept.
    }
  }, []);
  return null;
}
