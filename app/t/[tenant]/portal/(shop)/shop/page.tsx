import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductCard } from '@/components/commerce/shop/product-card';
import { getDb } from '@/db/client';
import { getBillingSettings } from '@/lib/billing/settings';
import { readCart } from '@/lib/commerce/cart';
import { listShopProducts } from '@/lib/commerce/catalog-reads';
import { priceText, secondaryLink, shopRequest } from './shop-page';

export async function generateMetadata({ params }: { params: Promise<{ tenant: string }> }): Promise<Metadata> {
  const { t } = await shopRequest(params);
  return { title: t('title') };
}

/**
 * /portal/shop: the clinic's catalogue (active products shown in the portal; staff-only and
 * archived ones never), readable without signing in while the clinic's shop is open.
 */
export default async function ShopPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant, profile, locale, t } = await shopRequest(params);
  const db = getDb();
  const [products, billing, cart] = await Promise.all([listShopProducts(db, tenant.id), getBillingSettings(db, tenant.id), readCart(tenant.id)]);
  const inCart = cart.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t('title')}</h1>
          <p className="mt-1 text-fg-muted">{t('intro', { clinic: profile.branding.displayName })}</p>
        </div>
        <Link href="/portal/shop/cart" className={secondaryLink} data-testid="cart-link">{t('cartLink', { count: inCart })}</Link>
      </header>
      {products.length === 0 ? (
        <p className="rounded-xl border border-line bg-surface p-4 text-fg-muted">{t('empty')}</p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label={t('title')}>
          {products.map((p) => (
            <ProductCard
              key={p.id}
              product={{
                id: p.id, name: p.name, description: p.description, category: p.category, imageUrl: p.imageUrl, imageAlt: p.imageAlt,
                priceText: priceText(p, billing.currency, locale, t), subscription: p.kind === 'subscription',
              }}
              messages={{ view: t('viewProduct', { name: p.name }), subscription: t('subscriptionBadge') }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
