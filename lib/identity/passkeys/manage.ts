import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantSettings } from '@/db/schema';
import type { OperatorContext, PortalAccountContext, StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { toLocale, translator } from '@/lib/i18n/core';
import { passkeys as passkeyMessages } from '@/lib/i18n/messages/passkeys';
import { postgresErrorCode } from '@/lib/kernel/errors';
import { registrationOptions, verifyRegistration, type PublicKeyCredentialCreationOptionsJSON } from './ceremonies';
import type { RelyingParty } from './relying-party';
import type { AddPasskeyInput, RenamePasskeyInput } from './schemas';
import { deleteCredential, insertCredential, listPasskeys, renameCredential, type PasskeyListing, type PasskeyOwner } from './store';

/**
 * A signed-in person's own passkeys: staff (EMR and CRM "Sign-in and security"), portal accounts
 * (settings) and operators (the console's account page). The owner is always the caller from the
 * context; a passkey id of anyone else is not found. Portal accounts may add one only where the
 * clinic accepts passkeys ("SMS code or a passkey"); listing and removing are always allowed.
 */

export type PasskeyCaller = StaffContext | PortalAccountContext | OperatorContext;

export function passkeyOwnerOf(ctx: PasskeyCaller): PasskeyOwner {
  if ('account' in ctx) return { kind: 'portal_account', tenantId: ctx.tenant.id, id: ctx.account.id };
  if (ctx.actor.kind === 'operator') return { kind: 'operator', id: ctx.actor.id };
  return { kind: 'staff', tenantId: (ctx as StaffContext).tenant.id, id: ctx.actor.id };
}

export function listOwnPasskeys(db: Executor, ctx: PasskeyCaller): Promise<PasskeyListing[]> {
  return listPasskeys(db, passkeyOwnerOf(ctx));
}

/** Whether the clinic lets patients use a passkey instead of the SMS code. */
export async function clinicAcceptsPatientPasskeys(db: Executor, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ allowed: tenantSettings.portalPasskeysAllowed }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.allowed ?? false;
}

async function mayAdd(db: Executor, ctx: PasskeyCaller): Promise<boolean> {
  return 'account' in ctx ? clinicAcceptsPatientPasskeys(db, ctx.tenant.id) : true;
}

export type StartAddingResult =
  | { ok: true; options: PublicKeyCredentialCreationOptionsJSON }
  | { ok: false; error: 'not-allowed' };

/** "Add a passkey": the options for the browser, with a challenge tied to this session and host. */
export async function startAddingPasskey(db: Executor, ctx: PasskeyCaller, rp: RelyingParty): Promise<StartAddingResult> {
  if (!(await mayAdd(db, ctx))) return { ok: false, error: 'not-allowed' };
  const person = 'account' in ctx
    ? { userName: ctx.account.email ?? ctx.account.fullName, userDisplayName: ctx.account.fullName }
    : { userName: ctx.actor.email, userDisplayName: ctx.actor.fullName };
  const options = await registrationOptions(db, passkeyOwnerOf(ctx), rp, { contextId: ctx.sessionId, ...person });
  return { ok: true, options };
}

export type FinishAddingResult =
  | { ok: true; passkey: PasskeyListing }
  | { ok: false; error: 'not-allowed' | 'failed' | 'duplicate' };

/** The browser's new credential, checked, stored with its name and audited. */
export async function finishAddingPasskey(db: Executor, ctx: PasskeyCaller, rp: RelyingParty, input: AddPasskeyInput): Promise<FinishAddingResult> {
  if (!(await mayAdd(db, ctx))) return { ok: false, error: 'not-allowed' };
  const owner = passkeyOwnerOf(ctx);
  const t = translator(passkeyMessages, 'account' in ctx ? toLocale(ctx.account.language) : 'en');
  const verified = await verifyRegistration(db, owner, rp, { contextId: ctx.sessionId, response: input.response, name: input.name, defaultName: t });
  if (!verified.ok) return verified;
  try {
    const passkey = await db.transaction(async (tx) => {
      const row = await insertCredential(tx, owner, verified.credential);
      await recordAudit(tx, ctx, { action: 'auth.passkey_added', target: { type: 'passkey', id: row.id }, details: { host: row.rpId, deviceType: row.deviceType } });
      return row;
    });
    return { ok: true, passkey };
  } catch (error) {
    // The same credential again (the browser's exclude list should have stopped it).
    if (postgresErrorCode(error) === '23505') return { ok: false, error: 'duplicate' };
    throw error;
  }
}

export async function renameOwnPasskey(db: Executor, ctx: PasskeyCaller, input: RenamePasskeyInput): Promise<{ ok: true } | { ok: false; error: 'not-found' }> {
  return db.transaction(async (tx) => {
    const renamed = await renameCredential(tx, passkeyOwnerOf(ctx), input.passkeyId, input.name);
    if (!renamed) return { ok: false, error: 'not-found' } as const;
    await recordAudit(tx, ctx, { action: 'auth.passkey_renamed', target: { type: 'passkey', id: input.passkeyId }, details: { before: { name: renamed.before }, after: { name: input.name } } });
    return { ok: true } as const;
  });
}

export async function removeOwnPasskey(db: Executor, ctx: PasskeyCaller, input: { passkeyId: string }): Promise<{ ok: true; name: string } | { ok: false; error: 'not-found' }> {
  return db.transaction(async (tx) => {
    const removed = await deleteCredential(tx, passkeyOwnerOf(ctx), input.passkeyId);
    if (!removed) return { ok: false, error: 'not-found' } as const;
    await recordAudit(tx, ctx, { action: 'auth.passkey_removed', target: { type: 'passkey', id: removed.id }, details: { name: removed.name, host: removed.rpId } });
    return { ok: true, name: removed.name } as const;
  });
}
