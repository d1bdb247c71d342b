import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { Executor } from '@/db/client';
import { tenantBranding } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { SNIFF_BYTES } from '@/lib/documents/file-checks';
import { formatBytes } from '@/lib/documents/upload-rules';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { getObjectStore } from '@/lib/storage/get-object-store';
import type { ObjectStore } from '@/lib/storage/object-store';
import {
  BRANDING_ASSET_RULES,
  EXTENSION_FOR_ASSET_TYPE,
  UNSAFE_SVG_MESSAGE,
  type BrandingAssetKind,
  type BrandingAssetType,
} from './asset-rules';
import { checkSvg } from './svg-check';

/**
 * Logo and favicon uploads. Files are public (every portal page shows them), stored under
 * `{tenantId}/branding/{uuid}.{ext}` and served by `/api/branding/{tenantId}/{file}`. Each upload
 * gets a new key, so the route can tell browsers to cache forever. Needs `settings.manage`.
 */

export const BrandingAssetAuditActions = {
  logoChanged: 'settings.logo_changed',
  logoRemoved: 'settings.logo_removed',
  faviconChanged: 'settings.favicon_changed',
  faviconRemoved: 'settings.favicon_removed',
} as const;

/** A file the rules refuse: the form says nothing was uploaded, and why beside the file field. */
export class BrandingAssetError extends RuleError {
  constructor(override readonly code: 'missing' | 'empty' | 'too_large' | 'unsupported_type' | 'unsafe_svg' | 'malformed_svg', message: string) {
    super(code, 'Nothing was uploaded.', { file: message });
    this.name = 'BrandingAssetError';
    // RuleError's message is the code; callers that check a file (tests, the form) read the reason.
    this.message = message;
  }
}

export function brandingAssetKey(tenantId: string, file: string): string {
  return `${tenantId}/branding/${file}`;
}

export function brandingAssetUrl(tenantId: string, file: string): string {
  return `/api/branding/${tenantId}/${file}`;
}

const ICO_HEADER = [0x00, 0x00, 0x01, 0x00];

/**
 * The type from the bytes, never from the name or the browser's claim. PNG through file-type
 * (as documents are); ICO by its header (reserved 0, type 1); SVG by parsing it strictly.
 */
export async function detectBrandingAssetType(kind: BrandingAssetKind, bytes: Uint8Array): Promise<BrandingAssetType> {
  const rules = BRANDING_ASSET_RULES[kind];
  if (bytes.length === 0) throw new BrandingAssetError('empty', `The file is empty. Choose a ${rules.label} file.`);
  if (bytes.length > rules.maxBytes) {
    throw new BrandingAssetError('too_large', `The file is ${formatBytes(bytes.length)}; a ${kind} can be at most ${formatBytes(rules.maxBytes)}.`);
  }
  const wrongType = new BrandingAssetError('unsupported_type', `This file is not a ${rules.label} image (checked from its contents).`);
  if (ICO_HEADER.every((b, i) => bytes[i] === b) && bytes.length >= 6 && (bytes[4]! | (bytes[5]! << 8)) > 0) {
    if (!rules.types.includes('image/x-icon')) throw wrongType;
    return 'image/x-icon';
  }
  const sniffed = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  if (sniffed?.mime === 'image/png') return 'image/png';
  // file-type names text that starts with `<?xml` as XML; anything else binary is not ours.
  if (sniffed && sniffed.mime !== 'application/xml' && sniffed.mime !== 'image/svg+xml') throw wrongType;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw wrongType;
  }
  if (!/^\uFEFF?\s*<(?:\?xml|!--|!DOCTYPE|svg)/i.test(text)) throw wrongType;
  const check = checkSvg(text);
  if (!check.ok) {
    if (check.reason === 'unsafe') throw new BrandingAssetError('unsafe_svg', UNSAFE_SVG_MESSAGE);
    throw new BrandingAssetError('malformed_svg', 'This SVG could not be read as a plain drawing; export it again as a plain SVG or PNG.');
  }
  return 'image/svg+xml';
}

const column = { logo: 'logoUrl', favicon: 'faviconUrl' } as const;

export async function getBrandingAssets(db: Executor, ctx: StaffContext): Promise<{ logoUrl: string | null; faviconUrl: string | null }> {
  assertPermission(ctx, 'settings.manage');
  const [row] = await db
    .select({ logoUrl: tenantBranding.logoUrl, faviconUrl: tenantBranding.faviconUrl })
    .from(tenantBranding)
    .where(eq(tenantBranding.tenantId, ctx.tenant.id));
  if (!row) throw new NotFoundError('branding');
  return row;
}

/** The object key behind a URL this module wrote, or null (a seeded `/brand/…` file, say). */
function ownKey(tenantId: string, url: string | null): string | null {
  const prefix = brandingAssetUrl(tenantId, '');
  if (!url?.startsWith(prefix)) return null;
  const file = url.slice(prefix.length);
  return isUuid(file.split('.')[0] ?? '') ? brandingAssetKey(tenantId, file) : null;
}

/**
 * Checks the file, stores it under a fresh key, then points the branding at it. A refused file
 * stores nothing. The previous file is deleted after the change commits; a failure there only
 * leaves an unreferenced object.
 */
export async function uploadBrandingAsset(
  db: Executor,
  ctx: StaffContext,
  kind: BrandingAssetKind,
  bytes: Uint8Array,
  store: ObjectStore = getObjectStore(),
): Promise<{ url: string; contentType: BrandingAssetType }> {
  assertPermission(ctx, 'settings.manage');
  const contentType = await detectBrandingAssetType(kind, bytes);
  const file = `${randomUUID()}.${EXTENSION_FOR_ASSET_TYPE[contentType]}`;
  const key = brandingAssetKey(ctx.tenant.id, file);
  const url = brandingAssetUrl(ctx.tenant.id, file);
  await store.put(key, Buffer.from(bytes), { contentType, contentLength: bytes.length });
  let previous: string | null;
  try {
    previous = await setAssetUrl(db, ctx, kind, url, { contentType, bytes: bytes.length });
  } catch (error) {
    await store.delete(key).catch(() => undefined);
    throw error;
  }
  await deleteQuietly(store, ownKey(ctx.tenant.id, previous));
  return { url, contentType };
}

/**
 * An upload as the form posts it. The size is checked before the body is read into memory;
 * uploadBrandingAsset checks the bytes again.
 */
export async function uploadBrandingAssetFile(db: Executor, ctx: StaffContext, kind: BrandingAssetKind, file: unknown) {
  assertPermission(ctx, 'settings.manage');
  const rules = BRANDING_ASSET_RULES[kind];
  if (!(file instanceof File) || file.size === 0) throw new BrandingAssetError('missing', `Choose a ${rules.label} file.`);
  if (file.size > rules.maxBytes) {
    throw new BrandingAssetError('too_large', `The file is ${formatBytes(file.size)}; a ${kind} can be at most ${formatBytes(rules.maxBytes)}.`);
  }
  return uploadBrandingAsset(db, ctx, kind, new Uint8Array(await file.arrayBuffer()));
}

/** Removes the logo or favicon; the portal falls back to the clinic's initial. */
export async function removeBrandingAsset(
  db: Executor,
  ctx: StaffContext,
  kind: BrandingAssetKind,
  store: ObjectStore = getObjectStore(),
): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const current = (await getBrandingAssets(db, ctx))[column[kind]];
  if (current === null) return { changed: false };
  const previous = await setAssetUrl(db, ctx, kind, null);
  await deleteQuietly(store, ownKey(ctx.tenant.id, previous));
  return { changed: previous !== null };
}

async function setAssetUrl(
  db: Executor,
  ctx: StaffContext,
  kind: BrandingAssetKind,
  url: string | null,
  file?: { contentType: string; bytes: number },
): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ url: tenantBranding[column[kind]] })
      .from(tenantBranding)
      .where(eq(tenantBranding.tenantId, ctx.tenant.id))
      .for('update');
    if (!before) throw new NotFoundError('branding');
    if (before.url === null && url === null) return null;
    await tx
      .update(tenantBranding)
      .set(kind === 'logo' ? { logoUrl: url, updatedAt: now() } : { faviconUrl: url, updatedAt: now() })
      .where(eq(tenantBranding.tenantId, ctx.tenant.id));
    const action = kind === 'logo'
      ? (url ? BrandingAssetAuditActions.logoChanged : BrandingAssetAuditActions.logoRemoved)
      : (url ? BrandingAssetAuditActions.faviconChanged : BrandingAssetAuditActions.faviconRemoved);
    await recordAudit(tx, ctx, {
      action, target: { type: 'tenant_branding', id: ctx.tenant.id },
      details: { changed: { [column[kind]]: { before: before.url, after: url } }, ...(file ? { file } : {}) },
    });
    return before.url;
  });
}

async function deleteQuietly(store: ObjectStore, key: string | null): Promise<void> {
  if (!key) return;
  try {
    await store.delete(key);
  } catch (error) {
    console.error('branding asset cleanup failed', error instanceof Error ? error.name : 'unknown');
  }
}
