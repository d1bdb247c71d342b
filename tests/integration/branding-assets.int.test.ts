import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/branding/[tenantId]/[file]/route';
import { getDb } from '@/db/client';
import { auditLog } from '@/db/schema';
import { ForbiddenError } from '@/lib/access/context';
import { UNSAFE_SVG_MESSAGE } from '@/lib/branding-assets/asset-rules';
import { BrandingAssetError, removeBrandingAsset, uploadBrandingAsset } from '@/lib/branding-assets/branding-assets';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { PDF_BYTES, PNG_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

let uploadsDir: string;
let store: LocalObjectStore;

beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cb-branding-'));
  store = new LocalObjectStore(uploadsDir);
  setObjectStoreForTests(store);
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(uploadsDir, { recursive: true, force: true });
});

const db = () => getDb();
const PLAIN_SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#0f766e"/></svg>');
/** Reserved 0, type 1 (icon), one image; the directory entry is enough for the header check. */
const ICO_BYTES = Buffer.concat([Buffer.from([0x00, 0x00, 0x01, 0x00, 0x01, 0x00]), Buffer.alloc(16, 0x10)]);

async function clinicAdmin() {
  const clinic = await createTestTenant();
  return { clinic, admin: await createStaffContext(clinic, 'admin') };
}

async function storedFiles(tenantId: string): Promise<string[]> {
  return readdir(path.join(uploadsDir, tenantId, 'branding')).catch(() => []);
}

async function refusal(promise: Promise<unknown>): Promise<BrandingAssetError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BrandingAssetError);
  return error as BrandingAssetError;
}

async function fetchAsset(url: string) {
  const [, , , tenantId, file] = url.split('/');
  return GET(new Request(`http://sunrise.localhost${url}`), { params: Promise.resolve({ tenantId: tenantId!, file: file! }) });
}

describe('logo and favicon upload', () => {
  it('stores a PNG logo under {tenant}/branding/{uuid}.png, points the branding at it and audits', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { url, contentType } = await uploadBrandingAsset(db(), admin, 'logo', PNG_BYTES);
    expect(contentType).toBe('image/png');
    expect(url).toMatch(new RegExp(`^/api/branding/${clinic.id}/[0-9a-f-]{36}\\.png$`));
    expect(await storedFiles(clinic.id)).toEqual([url.split('/').pop()]);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.logoUrl).toBe(url);
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.logo_changed')));
    expect(entry?.details).toMatchObject({ changed: { logoUrl: { before: null, after: url } }, file: { contentType: 'image/png' } });
  });

  it('serves the file with its type, nosniff and a year of immutable caching; SVG also gets a sandboxing CSP', async () => {
    const { admin } = await clinicAdmin();
    const png = await uploadBrandingAsset(db(), admin, 'logo', PNG_BYTES);
    const pngResponse = await fetchAsset(png.url);
    expect(pngResponse.status).toBe(200);
    expect(pngResponse.headers.get('content-type')).toBe('image/png');
    expect(pngResponse.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pngResponse.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(pngResponse.headers.get('content-security-policy')).toBeNull();
    expect(Buffer.from(await pngResponse.arrayBuffer()).equals(PNG_BYTES)).toBe(true);

    const svg = await uploadBrandingAsset(db(), admin, 'logo', PLAIN_SVG);
    const svgResponse = await fetchAsset(svg.url);
    expect(svgResponse.headers.get('content-type')).toBe('image/svg+xml');
    expect(svgResponse.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(svgResponse.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await svgResponse.text()).toBe(PLAIN_SVG.toString());
  });

  it('answers 404 for unknown files and names that are not ours', async () => {
    const { clinic } = await clinicAdmin();
    expect((await GET(new Request('http://x/'), { params: Promise.resolve({ tenantId: clinic.id, file: '00000000-0000-4000-8000-000000000000.png' }) })).status).toBe(404);
    expect((await GET(new Request('http://x/'), { params: Promise.resolve({ tenantId: clinic.id, file: '..%2F..%2Fetc.png' }) })).status).toBe(404);
    expect((await GET(new Request('http://x/'), { params: Promise.resolve({ tenantId: 'not-a-uuid', file: '00000000-0000-4000-8000-000000000000.png' }) })).status).toBe(404);
    expect((await GET(new Request('http://x/'), { params: Promise.resolve({ tenantId: clinic.id, file: '00000000-0000-4000-8000-000000000000.html' }) })).status).toBe(404);
  });

  it('accepts an ICO favicon by its header, but not as a logo', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { url, contentType } = await uploadBrandingAsset(db(), admin, 'favicon', ICO_BYTES);
    expect(contentType).toBe('image/x-icon');
    expect(url).toMatch(/\.ico$/);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.faviconUrl).toBe(url);
    expect((await fetchAsset(url)).headers.get('content-type')).toBe('image/x-icon');
    const error = await refusal(uploadBrandingAsset(db(), admin, 'logo', ICO_BYTES));
    expect(error.code).toBe('unsupported_type');
    expect(error.message).toBe('This file is not a PNG or SVG image (checked from its contents).');
  });

  it.each([
    ['<script>', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'],
    ['onload=', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'],
    ['a javascript: href', '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>'],
    ['foreignObject', '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml">x</body></foreignObject></svg>'],
    ['a DOCTYPE', '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>'],
  ])('refuses an SVG with %s, with the export hint, and stores nothing', async (_name, source) => {
    const { clinic, admin } = await clinicAdmin();
    const error = await refusal(uploadBrandingAsset(db(), admin, 'logo', Buffer.from(source)));
    expect(error.code).toBe('unsafe_svg');
    expect(error.message).toBe(UNSAFE_SVG_MESSAGE);
    expect(await storedFiles(clinic.id)).toEqual([]);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.logoUrl).toBeNull();
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.logo_changed')));
    expect(entries).toEqual([]);
  });

  it('refuses files over the limit (logo 1 MB, favicon 200 KB) and other types, storing nothing', async () => {
    const { clinic, admin } = await clinicAdmin();
    const bigPng = Buffer.concat([PNG_BYTES, Buffer.alloc(1024 * 1024)]);
    expect((await refusal(uploadBrandingAsset(db(), admin, 'logo', bigPng))).message).toBe('The file is 1 MB; a logo can be at most 1 MB.');
    const favicon = Buffer.concat([PNG_BYTES, Buffer.alloc(200 * 1024)]);
    expect((await refusal(uploadBrandingAsset(db(), admin, 'favicon', favicon))).code).toBe('too_large');
    // Exactly at the limit is fine.
    await uploadBrandingAsset(db(), admin, 'favicon', Buffer.concat([PNG_BYTES, Buffer.alloc(200 * 1024 - PNG_BYTES.length)]));
    expect((await refusal(uploadBrandingAsset(db(), admin, 'logo', PDF_BYTES))).code).toBe('unsupported_type');
    expect((await refusal(uploadBrandingAsset(db(), admin, 'logo', Buffer.from('hello')))).code).toBe('unsupported_type');
    expect((await refusal(uploadBrandingAsset(db(), admin, 'logo', Buffer.alloc(0)))).code).toBe('empty');
    expect(await storedFiles(clinic.id)).toHaveLength(1);
  });

  it('replacing deletes the old file; removing clears the URL, deletes the file and audits', async () => {
    const { clinic, admin } = await clinicAdmin();
    const first = await uploadBrandingAsset(db(), admin, 'logo', PNG_BYTES);
    const second = await uploadBrandingAsset(db(), admin, 'logo', PLAIN_SVG);
    expect(second.url).not.toBe(first.url);
    expect(await storedFiles(clinic.id)).toEqual([second.url.split('/').pop()]);
    expect((await fetchAsset(first.url)).status).toBe(404);

    expect(await removeBrandingAsset(db(), admin, 'logo')).toEqual({ changed: true });
    expect((await loadTenantProfile(db(), clinic.id))?.branding.logoUrl).toBeNull();
    expect(await storedFiles(clinic.id)).toEqual([]);
    expect(await removeBrandingAsset(db(), admin, 'logo')).toEqual({ changed: false });
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.logo_removed')));
    expect(entry?.details).toMatchObject({ changed: { logoUrl: { before: second.url, after: null } } });
  });

  it('needs settings.manage, and one clinic’s upload never touches another’s branding', async () => {
    const { clinic } = await clinicAdmin();
    const marketing = await createStaffContext(clinic, 'marketing');
    await expect(uploadBrandingAsset(db(), marketing, 'logo', PNG_BYTES)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeBrandingAsset(db(), marketing, 'logo')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await storedFiles(clinic.id)).toEqual([]);

    const other = await clinicAdmin();
    const { url } = await uploadBrandingAsset(db(), other.admin, 'logo', PNG_BYTES);
    expect(url).toContain(other.clinic.id);
    expect((await loadTenantProfile(db(), clinic.id))?.branding.logoUrl).toBeNull();
  });
});
