import type { Metadata } from 'next';
import Link from 'next/link';
import { PrimaryButton, SelectField } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { getBillingSettings } from '@/lib/billing/settings';
import { getShopProduct } from '@/lib/commerce/catalog-reads';
import { MAX_QUANTITY_CHOICE } from '@/lib/commerce/checkout-forms';
import { addToCartAction } from '../../../../(public)/shop/actions';
import { orNotFound, priceText, shopRequest, textLink } from '../../shop-page';

export async function generateMetadata({ params }: { params: Promise<{ tenant: string; id: string }> }): Promise<Metadata> {
  const { tenant, t } = await shopRequest(params);
  const product = await getShopProduct(getDb(), tenant.id, (await params).id).catch(() => null);
  return { title: product?.name ?? t('title') };
}

/**
 * /portal/shop/products/[id]: one product with its price (or phases), what the patient will be
 * asked for after paying ("You'll complete: Intake form, Photo ID"), and "Add to cart". A
 * product the shop does not sell (staff-only, archived, another clinic's) is a 404.
 */
export default async function ShopProductPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant, locale, t } = await shopRequest(params);
  const db = getDb();
  const product = await orNotFound(getShopProduct(db, tenant.id, (await params).id));
  const billing = await getBillingSettings(db, tenant.id);
  const requirements = [...product.requirements.forms.map((f) => f.title), ...product.requirements.uploads.map((u) => u.label)];
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p><Link href="/portal/shop" className={textLink}>{t('backToShop')}</Link></p>
      <article className="grid gap-6 sm:grid-cols-2">
        {product.imageUrl ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={product.imageUrl} alt={product.imageAlt ?? ''} className="w-full rounded-xl border border-line bg-surface-muted object-cover" />
        ) : null}
        <div className={`space-y-4 ${product.imageUrl ? '' : 'sm:col-span-2'}`}>
          {product.category ? <p className="text-sm text-fg-muted">{product.category}</p> : null}
          <h1 className="text-2xl font-semibold">{product.name}</h1>
          {product.kind === 'subscription' ? <p className="text-sm font-semibold">{t('subscriptionBadge')}</p> : null}
          <p className="text-lg font-semibold" data-testid="product-price">{priceText(product, billing.currency, locale, t)}</p>
          <p className="whitespace-pre-line">{product.description}</p>
          {product.requiresShipping ? <p className="text-sm text-fg-muted">{t('shipsToYou')}</p> : null}
          <section aria-labelledby="requirements-heading" className="rounded-xl border border-line bg-surface p-4">
            <h2 id="requirements-heading" className="font-semibold">{t('requirementsHeading')}</h2>
            <p className="mt-1" data-testid="product-requirements">
              {requirements.length > 0 ? t('youWillComplete', { list: requirements.join(t('listSeparator')) }) : t('noRequirements')}
            </p>
          </section>
          <form action={addToCartAction} className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="productId" value={product.id} />
            {product.kind === 'one_time' ? (
              <SelectField label={t('quantity')} name="quantity" defaultValue="1" className="w-28">
                {Array.from({ length: MAX_QUANTITY_CHOICE }, (_, i) => <option key={i + 1} value={String(i + 1)}>{i + 1}</option>)}
              </SelectField>
            ) : (
              <p className="w-full text-sm text-fg-muted">{t('oneAtATime')}</p>
            )}
            <PrimaryButton type="submit" data-testid="add-to-cart">{t('addToCart')}</PrimaryButton>
          </form>
        </div>
      </article>
    </div>
  );
}
