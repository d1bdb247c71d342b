import { randomBytes } from 'node:crypto';
import { getDb } from '@/db/client';
import { accessLevels, tenantBranding, tenantDomains, tenantSettings, tenants, type TenantSettings } from '@/db/schema';
import { BUILTIN_LEVELS, BUILTIN_LEVEL_KEYS } from '@/lib/access/permissions';
import { ensureDefaultDocumentTypes } from '@/lib/documents/default-types';

let counter = 0;

/** A clinic of its own for one test: tenant, verified subdomain, branding, settings, built-in levels. */
export async function createTestTenant(
  options: { slug?: string; name?: string; settings?: Partial<Omit<TenantSettings, 'tenantId'>> } = {},
) {
  const db = getDb();
  const slug = options.slug ?? `clinic-${process.pid}-${++counter}-${randomBytes(2).toString('hex')}`;
  const name = options.name ?? `Clinic ${slug}`;
  const [tenant] = await db.insert(tenants).values({ slug, name }).returning();
  const t = tenant!;
  await db.insert(tenantDomains).values({
    tenantId: t.id, kind: 'subdomain', hostname: slug, verificationToken: 'test', verifiedAt: new Date(),
  });
  await db.insert(tenantBranding).values({ tenantId: t.id, displayName: name });
  await db.insert(tenantSettings).values({ tenantId: t.id, ...options.settings });
  const levels = await db
    .insert(accessLevels)
    .values(BUILTIN_LEVEL_KEYS.map((key) => ({
      tenantId: t.id, builtinKey: key, name: BUILTIN_LEVELS[key].name, permissions: [...BUILTIN_LEVELS[key].permissions],
    })))
    .returning({ id: accessLevels.id, key: accessLevels.builtinKey });
  await ensureDefaultDocumentTypes(db, t.id);
  const levelId = Object.fromEntries(levels.map((l) => [l.key!, l.id])) as Record<(typeof BUILTIN_LEVEL_KEYS)[number], string>;
  return { ...t, levelId };
}
