'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { systemDnsResolver } from '@/lib/domains/dns';
import { addCustomDomain, changeSubdomain, removeCustomDomain, verifyCustomDomain, type DomainDeps } from '@/lib/domains/domains';
import type { DomainActionState } from '@/lib/domains/forms';
import { vercelConfigFromEnv, vercelDomains } from '@/lib/domains/vercel';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';
import { z } from '@/lib/validation/zod';

const settings = { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES } as const;

function domainDeps(): DomainDeps {
  const config = vercelConfigFromEnv();
  return { vercel: config ? vercelDomains(config) : null };
}

function changed(tenantId: string) {
  revalidateTenant(tenantId);
  revalidatePath('/crm/domains');
}

/**
 * A changed subdomain moves the clinic at once: this page's host no longer resolves and the
 * session cookie is host-only, so the person is sent to the new address (where they sign in
 * again) rather than shown a page the old host can no longer render.
 */
export const changeSubdomainAction = staffAction({ ...settings, pick: ['label'] }, async (ctx, values): Promise<DomainActionState> => {
  const result = await changeSubdomain(getDb(), ctx, values);
  if (!result.changed) return { ok: true, message: 'The address is unchanged.', values };
  revalidateTenant(ctx.tenant.id);
  // Same scheme and port as this request; only the host name changes.
  const next = new URL(await getRequestOrigin());
  next.hostname = result.host;
  redirect(`${next.origin}/crm/domains`);
});

export const addCustomDomainAction = staffAction({ ...settings, pick: ['hostname'] }, async (ctx, values): Promise<DomainActionState> => {
  const { hostname } = await addCustomDomain(getDb(), ctx, values, domainDeps());
  changed(ctx.tenant.id);
  return { ok: true, message: `${hostname} added. Create the two DNS records shown for it, then choose “Verify”.` };
});

// A hidden field only: anything else means a stale or altered page.
const GONE = 'That domain no longer exists. Reload the page.';
const domain = { ...settings, schema: z.object({ domainId: z.string({ error: GONE }) }), messages: { ...SETTINGS_MESSAGES, invalid: GONE } };

export const verifyDomainAction = staffAction(domain, async (ctx, { domainId }): Promise<DomainActionState> => {
  const result = await verifyCustomDomain(getDb(), ctx, domainId, systemDnsResolver(getDb()));
  if (!result.verified) {
    return {
      ok: false,
      message: `The TXT record for ${result.hostname} was not found yet. Check its name and value; DNS changes can take from a few minutes to 48 hours to appear.`,
    };
  }
  changed(ctx.tenant.id);
  return {
    ok: true,
    message: `${result.hostname} is verified and now routes to your clinic.`,
    warning: result.cnameOk
      ? undefined
      : `Its CNAME record does not point at the platform yet${result.cnameValues.length ? ` (it points at ${result.cnameValues.join(', ')})` : ''}: visitors will not reach the clinic until it does.`,
  };
});

export const removeDomainAction = staffAction(domain, async (ctx, { domainId }): Promise<DomainActionState> => {
  const { hostname } = await removeCustomDomain(getDb(), ctx, domainId, domainDeps());
  changed(ctx.tenant.id);
  return { ok: true, message: `${hostname} removed: it no longer opens your clinic.` };
});
