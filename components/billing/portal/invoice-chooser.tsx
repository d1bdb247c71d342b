'use client';

import Link from 'next/link';
import { useState } from 'react';
import { formatMoney } from '@/lib/billing/money';

export interface ChoosableInvoice {
  id: string;
  /** "INV-000042 · Due Dec 31, 2026" */
  label: string;
  /** "$80.75 due", "Overdue" … what the row says beside the box. */
  detail: string;
  due: number;
  /** The invoice's page, and the link's words ("View invoice INV-000042"). */
  href: string;
  linkLabel: string;
}

/**
 * The open invoices with a box each (all ticked) and "Pay $X". A GET form to the pay page, so
 * without JavaScript it posts the ticked ids there, which shows the amount before anything is
 * charged; with it, the total on the button follows the boxes.
 */
export function InvoiceChooser({ invoices, currency, intlLocale, messages }: {
  invoices: readonly ChoosableInvoice[];
  currency: string;
  intlLocale: string;
  messages: { legend: string; hint: string; payAmount: string; chooseFirst: string };
}) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(invoices.map((i) => i.id)));
  const total = invoices.filter((i) => chosen.has(i.id)).reduce((sum, i) => sum + i.due, 0);
  const toggle = (id: string, on: boolean) => setChosen((now) => {
    const next = new Set(now);
    if (on) next.add(id); else next.delete(id);
    return next;
  });
  return (
    <form method="get" action="/portal/billing/pay" className="space-y-4" data-testid="choose-invoices-form">
      <input type="hidden" name="choose" value="1" />
      <fieldset>
        <legend className="sr-only">{messages.legend}</legend>
        <p className="mb-2 text-sm text-fg-muted">{messages.hint}</p>
        <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
          {invoices.map((invoice) => (
            <li key={invoice.id} className="p-3">
              <label className="flex min-h-11 cursor-pointer items-start gap-3">
                <input type="checkbox" name="invoice" value={invoice.id} checked={chosen.has(invoice.id)}
                  onChange={(e) => toggle(invoice.id, e.target.checked)} className="mt-1 size-5 shrink-0 accent-brand" />
                <span className="min-w-0 flex-1">
                  <span className="block font-medium">{invoice.label}</span>
                  <span className="block text-sm text-fg-muted">{invoice.detail}</span>
                </span>
                <span className="shrink-0 font-semibold tabular-nums">{formatMoney(invoice.due, currency, intlLocale)}</span>
              </label>
              <Link href={invoice.href} className="ml-8 inline-flex min-h-11 items-center text-sm link">{invoice.linkLabel}</Link>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="submit" disabled={total === 0} data-testid="pay-chosen"
        className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto">
        {total === 0 ? messages.chooseFirst : messages.payAmount.replace('{amount}', formatMoney(total, currency, intlLocale))}
      </button>
    </form>
  );
}
