import Link from 'next/link';

export interface ProductCardView {
  id: string;
  name: string;
  description: string;
  category: string | null;
  imageUrl: string | null;
  imageAlt: string | null;
  /** The price, or a subscription's phases in words. */
  priceText: string;
  subscription: boolean;
}

/**
 * A product in the shop's list: its picture, name (the link to its page), category and price.
 * The whole card is one link target through its heading, so a screen reader lists each product once.
 */
export function ProductCard({ product, messages }: { product: ProductCardView; messages: { view: string; subscription: string } }) {
  return (
    <li className="flex flex-col overflow-hidden rounded-xl border border-line bg-surface">
      {product.imageUrl ? (
        // The catalogue's own pictures, served by the clinic's host; sizes vary, so the box is fixed.
        // eslint-disable-next-line @next/next/no-img-element
        <img src={product.imageUrl} alt={product.imageAlt ?? ''} className="aspect-[4/3] w-full bg-surface-muted object-cover" loading="lazy" />
      ) : null}
      <div className="flex flex-1 flex-col gap-2 p-4">
        {product.category ? <p className="text-sm text-fg-muted">{product.category}</p> : null}
        <h2 className="text-lg font-semibold">
          <Link href={`/portal/shop/products/${product.id}`} className="rounded-sm underline-offset-2 hover:underline" aria-label={messages.view}>
            {product.name}
          </Link>
        </h2>
        {product.subscription ? (
          <p><span className="inline-block rounded-full bg-brand-soft px-2 py-0.5 text-xs font-semibold text-fg">{messages.subscription}</span></p>
        ) : null}
        <p className="line-clamp-3 text-sm text-fg-muted">{product.description}</p>
        <p className="mt-auto pt-2 font-semibold" data-testid="product-price">{product.priceText}</p>
      </div>
    </li>
  );
}
