'use client';

import { useId, useState, useSyncExternalStore } from 'react';
import { smallButton } from './builder-context';

/**
 * The clinic's webhook signing secret, for whoever builds the receiving end (shown in the builder
 * while the automation calls an outside address; the page is automations.manage only). The copy
 * button needs JavaScript; without it the secret is selectable text.
 */

const noSubscription = () => () => undefined;

export function WebhookSecret({ secret }: { secret: string }) {
  const id = useId();
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied the signing secret.');
    } catch {
      setCopied('Could not copy: select the secret and copy it yourself.');
    }
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3 rounded-lg border border-line p-4">
      <h3 id={`${id}-heading`} className="font-semibold">Webhook signing secret</h3>
      <p className="text-sm text-fg-muted">
        The clinic’s secret for every automation’s calls. Keep it on the receiving server only; anyone with it can forge a call.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-72 flex-1">
          <label htmlFor={`${id}-secret`} className="block text-sm font-medium">Signing secret</label>
          <input id={`${id}-secret`} readOnly value={secret} spellCheck={false}
            className="mt-1 block w-full rounded-lg border border-line bg-surface-muted px-3 py-2.5 font-mono text-sm text-fg" />
        </div>
        {live ? <button type="button" onClick={() => void copy()} className={smallButton}>Copy secret</button> : null}
      </div>
      <p role="status" className="text-sm">{copied}</p>
      <p className="text-sm">
        To check a call: read <code className="font-mono">Carebridge-Signature: t=…,v1=…</code> and compute{' '}
        <code className="font-mono">HMAC-SHA256(secret, &quot;t.body&quot;)</code> in hex over the raw body; it must equal <code className="font-mono">v1</code>,
        and <code className="font-mono">t</code> (Unix seconds) should be recent. <code className="font-mono">Idempotency-Key</code> is the same on every retry of one call.
      </p>
    </section>
  );
}
