import 'server-only';
import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { PortalAccountContext } from '@/lib/access/context';
import { formatters, toLocale, translator, type Locale } from '@/lib/i18n/core';
import { passkeys as passkeyMessages } from '@/lib/i18n/messages/passkeys';
import type { PasskeyFormState, PasskeyRow } from './form-state';
import { clinicAcceptsPatientPasskeys, finishAddingPasskey, listOwnPasskeys, removeOwnPasskey, renameOwnPasskey, startAddingPasskey, type PasskeyCaller } from './manage';
import { requestRelyingParty } from './relying-party';
import type { AddPasskeyInput, RenamePasskeyInput } from './schemas';

/**
 * The passkey list's actions, answered the same way for staff (EMR, CRM), portal accounts and
 * operators: each audience's actions file wraps these in its own wrapper (which finds the person)
 * and names the page to refresh. Messages in the person's language (staff and operators: English).
 */

function localeOf(ctx: PasskeyCaller): Locale {
  return 'account' in ctx ? toLocale(ctx.account.language) : 'en';
}

/** The relying party's name in the browser's dialog. */
function rpName(ctx: PasskeyCaller): string {
  return 'tenant' in ctx ? ctx.tenant.name : 'Carebridge console';
}

/** "Add a passkey", first half: options for navigator.credentials.create(). */
export async function passkeyOptionsAnswer(ctx: PasskeyCaller): Promise<PasskeyFormState> {
  const t = translator(passkeyMessages, localeOf(ctx));
  const rp = await requestRelyingParty(rpName(ctx));
  if (!rp) return { ok: false, message: t('unsupported') };
  const started = await startAddingPasskey(getDb(), ctx, rp);
  if (!started.ok) return { ok: false, message: t('portalNotAllowed') };
  return { ok: true, options: started.options };
}

/** "Add a passkey", second half: the browser's new credential. */
export async function addPasskeyAnswer(ctx: PasskeyCaller, input: AddPasskeyInput, page: string): Promise<PasskeyFormState> {
  const t = translator(passkeyMessages, localeOf(ctx));
  const rp = await requestRelyingParty(rpName(ctx));
  if (!rp) return { ok: false, message: t('unsupported') };
  const added = await finishAddingPasskey(getDb(), ctx, rp, input);
  if (!added.ok) {
    const words = { 'not-allowed': 'portalNotAllowed', duplicate: 'addDuplicate', failed: 'addFailed' } as const;
    return { ok: false, message: t(words[added.error]) };
  }
  revalidatePath(page);
  return { ok: true, message: t('added', { name: added.passkey.name }) };
}

export async function renamePasskeyAnswer(ctx: PasskeyCaller, input: RenamePasskeyInput, page: string): Promise<PasskeyFormState> {
  const t = translator(passkeyMessages, localeOf(ctx));
  const renamed = await renameOwnPasskey(getDb(), ctx, input);
  if (!renamed.ok) return { ok: false, message: t('errNotFound') };
  revalidatePath(page);
  return { ok: true, message: t('renamed') };
}

export async function removePasskeyAnswer(ctx: PasskeyCaller, input: { passkeyId: string }, page: string): Promise<PasskeyFormState> {
  const t = translator(passkeyMessages, localeOf(ctx));
  const removed = await removeOwnPasskey(getDb(), ctx, input);
  if (!removed.ok) return { ok: false, message: t('errNotFound') };
  revalidatePath(page);
  return { ok: true, message: t('removed') };
}

/** The person's passkeys for the list, dates in `timeZone` and their language. */
export async function passkeyRows(ctx: PasskeyCaller, timeZone: string): Promise<PasskeyRow[]> {
  const f = formatters(localeOf(ctx));
  const rows = await listOwnPasskeys(getDb(), ctx);
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    host: p.rpId,
    added: f.dateTime(p.createdAt, timeZone),
    lastUsed: p.lastUsedAt ? f.dateTime(p.lastUsedAt, timeZone) : null,
  }));
}

/** Settings → Passkeys: whether the clinic accepts them, the account's list, and this page's host. */
export async function portalPasskeysView(portal: PortalAccountContext, clinicName: string, timeZone: string): Promise<{ allowed: boolean; rows: PasskeyRow[]; host: string | null }> {
  const [allowed, rows, rp] = await Promise.all([
    clinicAcceptsPatientPasskeys(getDb(), portal.tenant.id),
    passkeyRows(portal, timeZone),
    requestRelyingParty(clinicName),
  ]);
  return { allowed, rows, host: rp?.id ?? null };
}
