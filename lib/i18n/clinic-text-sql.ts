import 'server-only';
import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import type { Placeholder } from '@/db/prepared';
import { tenantSettings } from '@/db/schema';
import type { PortalAccountContext } from '@/lib/access/context';
import { toLocale } from './core';

/**
 * `localized()` (./clinic-text.ts) in SQL, for the portal's queries: the column's translation in
 * the reader's language when that is not the clinic's default and the translation is not blank,
 * else the column itself. The clinic's default language is read once per statement (an
 * uncorrelated subquery on the clinic's settings row), so a loader needs no extra round trip.
 * Either value may be a prepared query's placeholder.
 */
export type ClinicTextScope = {
  tenantId: string | Placeholder;
  language: string | Placeholder;
};

/** The scope of a signed-in portal account: its clinic and its own language setting. */
export function portalTextScope(ctx: Pick<PortalAccountContext, 'tenant' | 'account'>): ClinicTextScope {
  return { tenantId: ctx.tenant.id, language: toLocale(ctx.account.language) };
}

export function localizedColumn<T extends string | null = string>(
  column: AnyColumn,
  translations: AnyColumn,
  field: string,
  scope: ClinicTextScope,
): SQL<T> {
  const language = sql`${scope.language}::text`;
  const clinicDefault = sql`(select ${tenantSettings.defaultLanguage} from ${tenantSettings} where ${tenantSettings.tenantId} = ${scope.tenantId}::uuid)`;
  return sql<T>`coalesce(case when ${language} is distinct from ${clinicDefault} then nullif(btrim(${translations} -> ${language} ->> ${field}::text), '') end, ${column})`;
}

/** The language the clinic writes its own names in (tenant_settings.default_language). */
export async function clinicDefaultLanguage(db: Executor, tenantId: string): Promise<string> {
  const [row] = await db.select({ language: tenantSettings.defaultLanguage }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.language ?? 'en';
}
