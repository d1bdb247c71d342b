import 'server-only';
import { notFound } from 'next/navigation';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { patientZone } from '@/lib/conversations/display-message';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/** What the portal's order pages share: 404 for another patient's order, the zone times are shown in. */

export async function orNotFound<R>(read: Promise<R>): Promise<R> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** The patient's zone, else the clinic's (its locations'). */
export async function portalZone(ctx: PortalContext): Promise<string> {
  const profile = await getTenantProfile(ctx.tenant.id);
  return patientZone(ctx.account.timeZone, profile?.locations ?? []);
}

export const textLink = 'inline-flex min-h-11 items-center link';
export const linkButton =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
