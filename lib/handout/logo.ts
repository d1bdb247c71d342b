import 'server-only';
import { ASSET_FILE_NAME, BRANDING_ASSET_RULES } from '@/lib/branding-assets/asset-rules';
import { brandingAssetKey, brandingAssetUrl } from '@/lib/branding-assets/branding-assets';
import { getObjectStore } from '@/lib/storage/get-object-store';
import type { ObjectStore } from '@/lib/storage/object-store';

/**
 * The clinic's logo for the PDF. pdf-lib embeds PNG and JPEG only, so an SVG logo (the demo
 * clinics', or an uploaded one) is left out and the PDF shows the clinic's name in its colour.
 * Only a file the branding upload stored (`/api/branding/{tenantId}/{uuid}.ext`) is read: the
 * URL is never fetched, so nothing in it can make the server reach elsewhere.
 */

export interface HandoutLogo {
  type: 'png' | 'jpeg';
  bytes: Uint8Array;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** The image type from the bytes (never from the name), or null for anything pdf-lib cannot embed. */
export function embeddableImageType(bytes: Uint8Array): HandoutLogo['type'] | null {
  if (PNG.every((b, i) => bytes[i] === b)) return 'png';
  if (JPEG.every((b, i) => bytes[i] === b)) return 'jpeg';
  return null;
}

export async function loadHandoutLogo(tenantId: string, logoUrl: string | null, store: ObjectStore = getObjectStore()): Promise<HandoutLogo | null> {
  const prefix = brandingAssetUrl(tenantId, '');
  if (!logoUrl?.startsWith(prefix)) return null;
  const file = logoUrl.slice(prefix.length);
  const match = ASSET_FILE_NAME.exec(file);
  if (!match || match[2] === 'svg' || match[2] === 'ico') return null;
  try {
    const object = await store.get(brandingAssetKey(tenantId, file));
    if (object.contentLength > BRANDING_ASSET_RULES.logo.maxBytes) {
      object.body.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Uint8Array));
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const type = embeddableImageType(bytes);
    return type ? { type, bytes } : null;
  } catch (error) {
    // A missing or unreadable logo must not cost the clinic its handout: the name stands in for it.
    console.error(`handout logo unavailable (${error instanceof Error ? error.name : 'unknown'})`);
    return null;
  }
}
