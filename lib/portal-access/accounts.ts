import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Executor, Transaction } from '@/db/client';
import {
  patientPortalSettings,
  patients,
  portalAccountPatients,
  portalAccounts,
  type IdentificationMode,
  type PortalRelationship,
} from '@/db/schema';
import { normalizeIdentifier } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import { recordEvent } from '@/lib/engagement/events';
import { revealNationalId } from '@/lib/patients/national-id';

/** Lockout scopes: the sign-in one (lib/auth/portal-sign-in) and this folder's code flows. */
export const LOCK_SCOPES = {
  signIn: 'portal',
  reset: 'portal-reset',
  claim: 'portal-claim',
  activation: 'portal-activation',
  invite: 'portal-invite',
} as const;

/** The columns of a patient the flows need; never the whole row. */
export async function findPatientForAccess(db: Executor, tenantId: string, patientId: string) {
  const [row] = await db
    .select({
      id: patients.id,
      firstName: patients.firstName,
      lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth,
      email: patients.email,
      phone: patients.phone,
      nationalIdHash: patients.nationalIdHash,
      nationalIdLast4: patients.nationalIdLast4,
      preferredLanguage: patients.preferredLanguage,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  return row ?? null;
}
export type PatientForAccess = NonNullable<Awaited<ReturnType<typeof findPatientForAccess>>>;

export async function findPortalSettings(db: Executor, tenantId: string, patientId: string) {
  const [row] = await db
    .select()
    .from(patientPortalSettings)
    .where(and(eq(patientPortalSettings.tenantId, tenantId), eq(patientPortalSettings.patientId, patientId)));
  return row ?? null;
}

export interface AccountIdentity {
  email: string | null;
  nationalIdHash: string | null;
}

/** The account that signs in with this identity in the clinic's identification mode. */
export async function findAccountByIdentity(db: Executor, tenantId: string, mode: IdentificationMode, identity: AccountIdentity) {
  const value = mode === 'email' ? identity.email : identity.nationalIdHash;
  if (!value) return null;
  const [row] = await db
    .select({ id: portalAccounts.id, status: portalAccounts.status, phone: portalAccounts.phone, email: portalAccounts.email, language: portalAccounts.language })
    .from(portalAccounts)
    .where(and(
      eq(portalAccounts.tenantId, tenantId),
      mode === 'email' ? eq(portalAccounts.email, value) : eq(portalAccounts.nationalIdHash, value),
    ));
  return row ?? null;
}

export async function findAccountByEmail(db: Executor, tenantId: string, email: string) {
  const [row] = await db
    .select({
      id: portalAccounts.id, email: portalAccounts.email, nationalIdHash: portalAccounts.nationalIdHash, phone: portalAccounts.phone,
      passwordHash: portalAccounts.passwordHash, status: portalAccounts.status, lockedUntil: portalAccounts.lockedUntil,
      fullName: portalAccounts.fullName, language: portalAccounts.language,
    })
    .from(portalAccounts)
    .where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.email, normalizeIdentifier('email', email))));
  return row ?? null;
}

export interface NewPortalAccount extends AccountIdentity {
  fullName: string;
  phone: string;
  passwordHash: string;
  language: string;
  /** 'pending': a self-registration waiting for the clinic's approval (registration.ts). Active by default. */
  status?: 'active' | 'pending';
}

/**
 * Creates an account, or answers the one that already signs in with the same identifier (which
 * then keeps its password). Runs inside the caller's transaction; ON CONFLICT DO NOTHING keeps
 * a concurrent creation from aborting it.
 */
export async function createOrFindAccount(
  tx: Executor,
  tenantId: string,
  mode: IdentificationMode,
  account: NewPortalAccount,
  at: Date,
): Promise<{ accountId: string; created: boolean }> {
  const existing = await findAccountByIdentity(tx, tenantId, mode, account);
  if (existing) return { accountId: existing.id, created: false };

  // The identifier the clinic does not sign in with is extra: if another account already holds
  // it (a shared family email in a national-ID clinic), the new account goes without.
  let { email, nationalIdHash } = account;
  if (mode === 'national_id' && email && (await findAccountByIdentity(tx, tenantId, 'email', { email, nationalIdHash: null }))) email = null;
  if (mode === 'email' && nationalIdHash && (await findAccountByIdentity(tx, tenantId, 'national_id', { email: null, nationalIdHash }))) nationalIdHash = null;

  const [row] = await tx
    .insert(portalAccounts)
    .values({
      tenantId,
      fullName: account.fullName,
      email,
      nationalIdHash,
      phone: account.phone,
      phoneVerifiedAt: at,
      passwordHash: account.passwordHash,
      passwordChangedAt: at,
      language: account.language,
      status: account.status ?? 'active',
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning({ id: portalAccounts.id });
  if (row) return { accountId: row.id, created: true };
  // Another flow created the account between the check and the insert.
  const raced = await findAccountByIdentity(tx, tenantId, mode, account);
  if (raced) return { accountId: raced.id, created: false };
  throw new Error('portal account could not be created');
}

/**
 * Gives an account access to a patient, the one way every flow does it (activation, claim,
 * invite, shop sign-up, self-registration): a new link is the patient's portal_account.activated.
 * An existing link keeps its relationship and records nothing. A registration waiting for the
 * clinic's approval links quietly (`activated: false`) and records the event when approved.
 */
export async function linkAccountToPatient(
  tx: Transaction,
  tenantId: string,
  accountId: string,
  patientId: string,
  relationship: PortalRelationship,
  at: Date,
  options: { activated?: boolean } = {},
): Promise<boolean> {
  const rows = await tx
    .insert(portalAccountPatients)
    .values({ tenantId, accountId, patientId, relationship, createdAt: at })
    .onConflictDoNothing()
    .returning({ patientId: portalAccountPatients.patientId });
  if (rows.length === 0) return false;
  if (options.activated === false) return true;
  await recordEvent(tx, tenantId, {
    name: 'portal_account.activated', patientId, subject: { portalAccountId: accountId, relationship }, actor: { kind: 'patient', id: accountId },
  });
  return true;
}

export async function patientHasSelfAccount(db: Executor, tenantId: string, patientId: string): Promise<boolean> {
  const rows = await db
    .select({ accountId: portalAccountPatients.accountId })
    .from(portalAccountPatients)
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId),
      eq(portalAccountPatients.patientId, patientId),
      eq(portalAccountPatients.relationship, 'self'),
    ))
    .limit(1);
  return rows.length > 0;
}

/**
 * The lockout keys (lib/auth/lockout) a person's identifiers can be locked under, built as
 * portal-sign-in builds them from what was typed: by default the sign-in key, this folder's
 * password-reset key and its claim key. Accounts keep only a hash of the national ID, so the
 * digits come from the patient record with the same hash, decrypted here and not kept.
 */
export async function lockoutKeysFor(
  db: Executor,
  tenantId: string,
  identity: AccountIdentity,
  scopes: readonly string[] = [LOCK_SCOPES.signIn, LOCK_SCOPES.reset, LOCK_SCOPES.claim],
): Promise<string[]> {
  const identifiers: string[] = [];
  if (identity.email) identifiers.push(normalizeIdentifier('email', identity.email));
  if (identity.nationalIdHash) {
    const [holder] = await db
      .select({ enc: patients.nationalIdEnc })
      .from(patients)
      .where(and(eq(patients.tenantId, tenantId), eq(patients.nationalIdHash, identity.nationalIdHash), isNotNull(patients.nationalIdEnc)));
    if (holder?.enc) {
      try {
        identifiers.push(normalizeIdentifier('national_id', revealNationalId(holder.enc)));
      } catch {
        // A ciphertext under a retired key: that identifier's keys cannot be rebuilt here.
      }
    }
  }
  return identifiers.flatMap((id) => scopes.map((scope) => lockoutKey(scope, tenantId, id)));
}

export function fullNameOf(patient: { firstName: string; lastName: string }): string {
  return `${patient.firstName} ${patient.lastName}`.trim();
}
