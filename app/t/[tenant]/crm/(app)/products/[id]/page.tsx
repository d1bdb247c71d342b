import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeleteProductForm, StatusButton } from '@/components/commerce/crm/catalog-buttons';
import { ProductForm } from '@/components/commerce/crm/product-form';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getProductForEdit, productFormChoices } from '@/lib/commerce/products';
import { archiveProductAction, deleteProductAction, restoreProductAction, updateProductAction } from '../actions';

export const metadata: Metadata = { title: 'Product' };

const DONE: Record<string, string> = { created: 'Product added. It is active now.' };

/** /crm/products/[id] (commerce.catalog): edit, archive or restore, delete while nobody ordered it. */
export default async function ProductPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const [{ id }, { done }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const [product, { currency, ...choices }] = await Promise.all([getProductForEdit(db, ctx, id), productFormChoices(db, ctx)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const archived = product.status === 'archived';
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href={archived ? '/crm/products?status=archived' : '/crm/products'} className="link">
        {archived ? 'Archived products' : 'Products'}
      </Link>
    </nav>
  );
  const ordered = product.orderCount > 0 ? `${product.orderCount} ${product.orderCount === 1 ? 'order' : 'orders'} name it.` : 'Nobody has ordered it yet.';
  return (
    <Page title={product.name} above={back} description={`${archived ? 'Archived: not in the shop and not offered to staff. ' : ''}${ordered} Prices are in ${currency}.`}>
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}
      <ProductForm
        action={updateProductAction}
        target={{ mode: 'update', productId: product.id, kindLocked: product.orderCount > 0, liveSubscriptions: product.liveSubscriptions }}
        currency={currency}
        choices={choices}
        values={product}
        submitLabel="Save product"
      />
      <CardSection id="product-status-heading" title={archived ? 'Archived' : 'Archive'}>
        <div className="mt-3 flex flex-wrap items-start gap-6">
          {archived ? (
            <StatusButton action={restoreProductAction} target={{ productId: product.id }} label="Restore product" pendingLabel="Restoring…" primary
              hint="Makes it active again: back in the shop if it is for patients." />
          ) : (
            <StatusButton action={archiveProductAction} target={{ productId: product.id }} label="Archive product" pendingLabel="Archiving…"
              hint="Takes it out of the shop and the staff’s choices. Its orders and subscriptions keep it, and renewals go on." />
          )}
          {product.orderCount === 0 ? <DeleteProductForm action={deleteProductAction} productId={product.id} /> : null}
        </div>
      </CardSection>
    </Page>
  );
}
