import type { Metadata } from 'next';
import Link from 'next/link';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { getBillingSettings } from '@/lib/billing/settings';
import { describePhases } from '@/lib/commerce/phase-text';
import { PRODUCT_KIND_LABELS, PRODUCT_VISIBILITY_LABELS, productListQuerySchema } from '@/lib/commerce/product-forms';
import { listProducts } from '@/lib/commerce/products';

export const metadata: Metadata = { title: 'Products' };

const th = 'px-3 py-2 font-medium';
const td = 'px-3 py-2 align-top';
const linkClass = 'font-medium text-brand-accent underline underline-offset-2';
const tab = 'inline-flex min-h-11 items-center rounded-lg px-4 font-medium';
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const DONE: Record<string, string> = { deleted: 'The product was deleted.' };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** /crm/products (commerce.catalog): the catalogue, active or archived, in shop order. */
export default async function ProductsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const raw = await searchParams;
  const { status } = productListQuerySchema.parse({ status: first(raw.status) });
  const done = first(raw.done);
  const db = getDb();
  const [rows, billing] = await Promise.all([listProducts(db, ctx, { status }), getBillingSettings(db, ctx.tenant.id)]);
  const currency = billing.currency;

  return (
    <Page title="Products" description="What the clinic sells: one-time purchases and subscriptions, in the portal’s shop or ordered by staff, with the forms and uploads each requires after payment.">
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Products by status" className="flex gap-2">
          <Link href="/crm/products" aria-current={status === 'active' ? 'page' : undefined} className={`${tab} ${status === 'active' ? 'bg-brand-soft' : 'border border-line hover:bg-surface-muted'}`}>Active</Link>
          <Link href="/crm/products?status=archived" aria-current={status === 'archived' ? 'page' : undefined} className={`${tab} ${status === 'archived' ? 'bg-brand-soft' : 'border border-line hover:bg-surface-muted'}`}>Archived</Link>
        </nav>
        <Link href="/crm/products/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">New product</Link>
      </div>

      <section aria-labelledby="products-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="products-heading" className="text-lg font-semibold">{status === 'active' ? 'Active products' : 'Archived products'}</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full min-w-[48rem] text-left text-sm">
            <caption className="sr-only">{status === 'active' ? 'Active products' : 'Archived products'}, in shop order (position, then name)</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr>
                <th scope="col" className={th}><span className="sr-only">Picture</span></th>
                <th scope="col" className={th}>Product</th>
                <th scope="col" className={th}>Kind</th>
                <th scope="col" className={th}>Price</th>
                <th scope="col" className={th}>Who sees it</th>
                <th scope="col" className={th}>Requirements</th>
                <th scope="col" className={`${th} text-right`}>Position</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {rows.map((p) => (
                <tr key={p.id}>
                  <td className={td}>
                    <div className="grid size-12 place-items-center overflow-hidden rounded-md border border-line bg-surface-muted">
                      {/* eslint-disable-next-line @next/next/no-img-element -- uploaded pictures served by our own route */}
                      {p.imageUrl ? <img src={p.imageUrl} alt={p.imageAlt ?? ''} className="max-h-12 max-w-12 object-contain" /> : <span className="text-xs text-fg-muted" aria-hidden="true">—</span>}
                    </div>
                  </td>
                  <td className={td}>
                    <Link href={`/crm/products/${p.id}`} className={linkClass}>{p.name}</Link>
                    {p.category ? <span className="block text-xs text-fg-muted">{p.category}</span> : null}
                  </td>
                  <td className={td}>{PRODUCT_KIND_LABELS[p.kind]}</td>
                  <td className={td}>{p.kind === 'one_time' ? formatMoney(p.unitAmount ?? 0, currency) : describePhases(p.phases, currency)}</td>
                  <td className={td}>{PRODUCT_VISIBILITY_LABELS[p.visibility]}</td>
                  <td className={td}>{p.formCount + p.uploadCount === 0 ? 'None' : [p.formCount ? plural(p.formCount, 'form', 'forms') : null, p.uploadCount ? plural(p.uploadCount, 'upload', 'uploads') : null].filter(Boolean).join(', ')}</td>
                  <td className={`${td} text-right tabular-nums`}>{p.position}</td>
                </tr>
              ))}
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={7} className="px-3 py-6 text-center text-fg-muted">
                    {status === 'active' ? <>No products yet. <Link href="/crm/products/new" className={linkClass}>Add the first one</Link>.</> : 'No archived products.'}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
    </Page>
  );
}
