/**
 * What a product's picture may be. Shared by the CRM form (the browser's check only saves a round
 * trip) and the server, which decides from the bytes (lib/commerce/product-images.ts).
 */

export type ProductImageType = 'image/png' | 'image/jpeg' | 'image/webp';

export const PRODUCT_IMAGE_RULES = {
  maxBytes: 2 * 1024 * 1024,
  types: ['image/png', 'image/jpeg', 'image/webp'] as readonly ProductImageType[],
  label: 'PNG, JPEG or WebP',
  accept: '.png,.jpg,.jpeg,.webp,image/png,image/jpeg,image/webp',
  altMax: 200,
} as const;

export const EXTENSION_FOR_PRODUCT_IMAGE: Record<ProductImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

/** The stored file name (`{uuid}.{ext}`) the image route serves; anything else is not ours. */
export const PRODUCT_IMAGE_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(png|jpg|webp)$/;

export function productImageTypeForFile(file: string): ProductImageType | null {
  const match = PRODUCT_IMAGE_FILE.exec(file);
  if (!match) return null;
  return (Object.keys(EXTENSION_FOR_PRODUCT_IMAGE) as ProductImageType[]).find((t) => EXTENSION_FOR_PRODUCT_IMAGE[t] === match[2]) ?? null;
}

/** Where the browser fetches a product's picture: the clinic comes from the host it is asked on. */
export function productImageUrl(imageKey: string | null): string | null {
  if (!imageKey) return null;
  const file = imageKey.slice(imageKey.lastIndexOf('/') + 1);
  return PRODUCT_IMAGE_FILE.test(file) ? `/api/commerce/product-images/${file}` : null;
}
