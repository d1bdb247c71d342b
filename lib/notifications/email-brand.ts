import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantBranding, tenants } from '@/db/schema';
import type { ClinicEmailBrand } from '@/lib/email/render-clinic-email';
import { portalLink } from './portal-link';

/** The branding columns an email needs, as patientAudience and loadClinicEmailBrand read them. */
export interface ClinicBrandingRow {
  clinicName: string;
  slug: string;
  /** As stored: a path on the clinic's host (`/api/branding/…`, `/brand/…`) or null. */
  logoUrl: string | null;
  primaryColor: string;
}

/**
 * What the email layout draws for a clinic. The logo becomes an absolute address on the clinic's
 * platform subdomain (as portal links are: a custom domain may still be unverified when the
 * message is read); both the upload route and public/brand answer on every clinic host.
 *
 * An SVG logo is linked as it is: Apple Mail shows it, Gmail and Outlook do not (the layout's
 * logo is decorative, with the clinic's name beside it, so nothing is lost but the picture).
 */
export function clinicEmailBrand(row: ClinicBrandingRow): ClinicEmailBrand {
  return { name: row.clinicName, logoUrl: absoluteLogoUrl(row.slug, row.logoUrl), primaryColor: row.primaryColor };
}

function absoluteLogoUrl(slug: string, logoUrl: string | null): string | null {
  if (!logoUrl) return null;
  if (logoUrl.startsWith('/') && !logoUrl.startsWith('//')) return portalLink(slug, logoUrl as `/${string}`);
  // Only an https address elsewhere is linked; anything else would be a mixed or broken image.
  return /^https:\/\/[^\s]+$/i.test(logoUrl) ? logoUrl : null;
}

/** A clinic's email brand, for messages that are not about one patient (campaigns, staff mail). */
export async function loadClinicEmailBrand(tx: Executor, tenantId: string): Promise<ClinicEmailBrand | null> {
  const [row] = await tx
    .select({ clinicName: tenantBranding.displayName, slug: tenants.slug, logoUrl: tenantBranding.logoUrl, primaryColor: tenantBranding.primaryColor })
    .from(tenants)
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId));
  return row ? clinicEmailBrand(row) : null;
}
