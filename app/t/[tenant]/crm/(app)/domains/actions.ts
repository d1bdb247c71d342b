'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { systemDnsResolver } from '@/lib/domains/dns';
import { addCustomDomain, changeSubdomain, removeCustomDomain, verifyCustomDomain, type DomainDeps } from '@/lib/domains/domains';
import { domainFailure } from '@/lib/domains/errors';
import { vercelConfigFromEnv, vercelDomains } from '@/lib/domains/vercel';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { formFields, type SettingsActionState } from '@/lib/settings/action-state';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

export interface DomainActionState extends SettingsActionState {
  /** Verify: DNS found the token but the CNAME does not point at the platform. */
  warning?: string;
}

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
export async function changeSubdomainAction(_: DomainActionState, form: FormData): Promise<DomainActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['label']);
  let host: string;
  try {
    const result = await changeSubdomain(getDb(), ctx, values);
    if (!result.changed) return { ok: true, message: 'The address is unchanged.', values };
    host = result.host;
  } catch (error) {
    return domainFailure(error, values);
  }
  revalidateTenant(ctx.tenant.id);
  // Same scheme and port as this request; only the host name changes.
  const next = new URL(await getRequestOrigin());
  next.hostname = host;
  redirect(`${next.origin}/crm/domains`);
}

export async function addCustomDomainAction(_: DomainActionState, form: FormData): Promise<DomainActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['hostname']);
  let hostname: string;
  try {
    hostname = (await addCustomDomain(getDb(), ctx, values, domainDeps())).hostname;
  } catch (error) {
    return domainFailure(error, values);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `${hostname} added. Create the two DNS records shown for it, then choose “Verify”.` };
}

const idSchema = z.object({ domainId: z.string() });

export async function verifyDomainAction(_: DomainActionState, form: FormData): Promise<DomainActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const parsed = idSchema.safeParse({ domainId: form.get('domainId') });
  if (!parsed.success) return { ok: false, message: 'That domain no longer exists. Reload the page.' };
  try {
    const result = await verifyCustomDomain(getDb(), ctx, parsed.data.domainId, systemDnsResolver(getDb()));
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
  } catch (error) {
    return domainFailure(error);
  }
}

export async function removeDomainAction(_: DomainActionState, form: FormData): Promise<DomainActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const parsed = idSchema.safeParse({ domainId: form.get('domainId') });
  if (!parsed.success) return { ok: false, message: 'That domain no longer exists. Reload the page.' };
  let hostname: string;
  try {
    hostname = (await removeCustomDomain(getDb(), ctx, parsed.data.domainId, domainDeps())).hostname;
  } catch (error) {
    return domainFailure(error);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `${hostname} removed: it no longer opens your clinic.` };
}
