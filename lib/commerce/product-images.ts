import 'server-only';
import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { SNIFF_BYTES } from '@/lib/documents/file-checks';
import { formatBytes } from '@/lib/documents/file-rules';
import { RuleError } from '@/lib/kernel/errors';
import { getObjectStore } from '@/lib/storage/get-object-store';
import type { ObjectStore } from '@/lib/storage/object-store';
import { EXTENSION_FOR_PRODUCT_IMAGE, PRODUCT_IMAGE_RULES, type ProductImageType } from './product-image-rules';

/**
 * A product's picture, kept in object storage like the clinic's logo (lib/branding-assets):
 * under `{tenantId}/products/{uuid}.{ext}`, a new key for every upload, served by
 * /api/commerce/product-images/{file} on the clinic's own host. The type comes from the bytes,
 * never from the name or the browser's claim.
 */

/** A picture the rules refuse: nothing is saved, and the reason shows beside the file field. */
export class ProductImageError extends RuleError {
  constructor(override readonly code: 'empty' | 'too_large' | 'unsupported_type', reason: string) {
    super(code, 'The product was not saved.', { image: reason });
    this.name = 'ProductImageError';
    this.message = reason;
  }
}

export interface ProductImageUpload {
  bytes: Uint8Array;
  contentType: ProductImageType;
}

export function productImageKey(tenantId: string, file: string): string {
  return `${tenantId}/products/${file}`;
}

/** PNG, JPEG or WebP from the bytes, at most 2 MB; anything else is refused in words. */
export async function detectProductImageType(bytes: Uint8Array): Promise<ProductImageType> {
  if (bytes.length === 0) throw new ProductImageError('empty', `The picture is empty. Choose a ${PRODUCT_IMAGE_RULES.label} file.`);
  if (bytes.length > PRODUCT_IMAGE_RULES.maxBytes) {
    throw new ProductImageError('too_large', `The picture is ${formatBytes(bytes.length)}; a product picture can be at most ${formatBytes(PRODUCT_IMAGE_RULES.maxBytes)}.`);
  }
  const sniffed = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  const type = sniffed?.mime as ProductImageType | undefined;
  if (!type || !PRODUCT_IMAGE_RULES.types.includes(type)) {
    throw new ProductImageError('unsupported_type', `This file is not a ${PRODUCT_IMAGE_RULES.label} picture (checked from its contents).`);
  }
  return type;
}

/**
 * The picture posted with the product form, checked, or null when none was chosen (a form posts
 * an empty file field then). The size is checked before the body is read into memory.
 */
export async function readProductImage(file: unknown): Promise<ProductImageUpload | null> {
  if (!(file instanceof File) || file.size === 0) return null;
  if (file.size > PRODUCT_IMAGE_RULES.maxBytes) {
    throw new ProductImageError('too_large', `The picture is ${formatBytes(file.size)}; a product picture can be at most ${formatBytes(PRODUCT_IMAGE_RULES.maxBytes)}.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { bytes, contentType: await detectProductImageType(bytes) };
}

/** Stores a checked picture under a fresh key and answers the key (written to products.image_key). */
export async function storeProductImage(tenantId: string, image: ProductImageUpload, store: ObjectStore = getObjectStore()): Promise<string> {
  const key = productImageKey(tenantId, `${randomUUID()}.${EXTENSION_FOR_PRODUCT_IMAGE[image.contentType]}`);
  await store.put(key, Buffer.from(image.bytes), { contentType: image.contentType, contentLength: image.bytes.length });
  return key;
}

/**
 * Deletes a picture no row points at any more (replaced, removed, or a save that failed). A
 * failure only leaves an unreferenced object, so it is logged by name and not thrown.
 */
export async function deleteProductImageQuietly(key: string | null, store: ObjectStore = getObjectStore()): Promise<void> {
  if (!key) return;
  try {
    await store.delete(key);
  } catch (error) {
    console.error('product image cleanup failed', error instanceof Error ? error.name : 'unknown');
  }
}
