import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatusBar, CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { getBillingSettings } from '@/lib/billing/settings';
import { describePhases } from '@/lib/commerce/phase-text';
import { PRODUCT_KIND_LABELS, PRODUCT_VISIBILITY_LABELS, productListQuerySchema } from '@/lib/commerce/product-forms';
import { listProducts } from '@/lib/commerce/products';

export const metadata: Metadata = { title: 'Products' };

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
  const title = status === 'active' ? 'Active products' : 'Archived products';

  return (
    <Page title="Products" description="What the clinic sells: one-time purchases and subscriptions, in the portal’s shop or ordered by staff, with the forms and uploads each requires after payment.">
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}
      <CatalogStatusBar path="/crm/products" status={status} label="Products by status" newLabel="New product" />

      <CatalogTable
        id="products-heading" title={title} caption={`${title}, in shop order (position, then name)`} items={rows}
        columns={[
          { label: <span className="sr-only">Picture</span> }, { label: 'Product' }, { label: 'Kind' }, { label: 'Price' }, { label: 'Who sees it' }, { label: 'Requirements' },
          { label: 'Position', end: true },
        ]}
        empty={status === 'active' ? <>No products yet. <Link href="/crm/products/new" className={linkClass}>Add the first one</Link>.</> : 'No archived products.'}
      >
        {(p) => (
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
        )}
      </CatalogTable>
    </Page>
  );
}
