import 'server-only';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { getCommerceSettings } from '@/lib/commerce/settings';
import type { Translate } from '@/lib/i18n/core';
import type { shop } from '@/lib/i18n/messages/shop';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/** What the checkout's pages share: 404 while the shop is closed or for anyone else's order. */

export async function requireShop(portal: PortalContext): Promise<void> {
  if (!(await getCommerceSettings(getDb(), portal.tenant.id)).shopEnabled) notFound();
}

export async function orNotFound<R>(read: Promise<R>): Promise<R> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function clinicName(portal: PortalContext): Promise<string> {
  return (await getTenantProfile(portal.tenant.id))?.branding.displayName ?? portal.tenant.name;
}

export function shippingMessages(t: Translate<typeof shop.en>) {
  return {
    heading: t('shippingHeading'), name: t('shipName'), line1: t('shipLine1'), line2: t('shipLine2'), city: t('shipCity'),
    region: t('shipRegion'), postalCode: t('shipPostalCode'), country: t('shipCountry'),
  };
}

export const textLink = 'inline-flex min-h-11 items-center link';
export const linkButton =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
