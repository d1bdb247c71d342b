/**
 * What a clinic may upload as its logo and favicon. Shared by the browser form and the server
 * (no server-only imports): the browser's checks only save a round trip.
 */

export const BRANDING_ASSET_KINDS = ['logo', 'favicon'] as const;
export type BrandingAssetKind = (typeof BRANDING_ASSET_KINDS)[number];

export type BrandingAssetType = 'image/png' | 'image/svg+xml' | 'image/x-icon';

export const BRANDING_ASSET_RULES: Record<BrandingAssetKind, { maxBytes: number; types: readonly BrandingAssetType[]; label: string; accept: string }> = {
  logo: { maxBytes: 1024 * 1024, types: ['image/png', 'image/svg+xml'], label: 'PNG or SVG', accept: '.png,.svg,image/png,image/svg+xml' },
  favicon: {
    maxBytes: 200 * 1024,
    types: ['image/png', 'image/svg+xml', 'image/x-icon'],
    label: 'PNG, SVG or ICO',
    accept: '.png,.svg,.ico,image/png,image/svg+xml,image/x-icon,image/vnd.microsoft.icon',
  },
};

export const EXTENSION_FOR_ASSET_TYPE: Record<BrandingAssetType, string> = {
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/x-icon': 'ico',
};

/** The stored file name (`{uuid}.{ext}`) the public route serves; anything else is not ours. */
export const ASSET_FILE_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(png|svg|ico)$/;

export function assetTypeForFileName(file: string): BrandingAssetType | null {
  const match = ASSET_FILE_NAME.exec(file);
  if (!match) return null;
  const ext = match[2];
  return (Object.keys(EXTENSION_FOR_ASSET_TYPE) as BrandingAssetType[]).find((t) => EXTENSION_FOR_ASSET_TYPE[t] === ext) ?? null;
}

export const UNSAFE_SVG_MESSAGE = 'This SVG contains scripts or external content; export it as a plain SVG or PNG.';
