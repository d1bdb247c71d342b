import 'server-only';
import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { operatorPasskeyChallenges, operatorPasskeys, passkeyChallenges, passkeys, type PasskeySubjectKind, passkeyCeremonies } from '@/db/schema';
import { now as clockNow } from '@/lib/clock';

/**
 * Where passkeys and their challenges live: a clinic's staff and portal accounts in `passkeys` and
 * `passkey_challenges` (keyed by clinic), operators in the platform's `operator_*` twins. Every
 * query names the owner in full (clinic, kind and id, or the operator), so a credential or a
 * challenge of anyone else is simply not found.
 */

export type PasskeyOwner =
  | { kind: PasskeySubjectKind; tenantId: string; id: string }
  | { kind: 'operator'; id: string };

export type Ceremony = (typeof passkeyCeremonies)[number];

/** What a person sees of their passkeys; never the key itself. */
export interface PasskeyListing {
  id: string;
  name: string;
  rpId: string;
  deviceType: string | null;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface StoredCredential extends PasskeyListing {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

export interface NewCredential {
  name: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  rpId: string;
}

const clinicOwner = (owner: Extract<PasskeyOwner, { tenantId: string }>) =>
  and(eq(passkeys.tenantId, owner.tenantId), eq(passkeys.subjectKind, owner.kind), eq(passkeys.subjectId, owner.id))!;

const listingColumns = (t: typeof passkeys | typeof operatorPasskeys) => ({
  id: t.id, name: t.name, rpId: t.rpId, deviceType: t.deviceType, backedUp: t.backedUp, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt,
});
const credentialColumns = (t: typeof passkeys | typeof operatorPasskeys) => ({
  ...listingColumns(t), credentialId: t.credentialId, publicKey: t.publicKey, counter: t.counter, transports: t.transports,
});

export async function listPasskeys(db: Executor, owner: PasskeyOwner): Promise<PasskeyListing[]> {
  if (owner.kind === 'operator') {
    return db.select(listingColumns(operatorPasskeys)).from(operatorPasskeys).where(eq(operatorPasskeys.operatorId, owner.id)).orderBy(asc(operatorPasskeys.createdAt), asc(operatorPasskeys.id));
  }
  return db.select(listingColumns(passkeys)).from(passkeys).where(clinicOwner(owner)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

/** The owner's credentials made on `rpId`: what a browser on that host may be asked for. */
export async function credentialsOnHost(db: Executor, owner: PasskeyOwner, rpId: string): Promise<{ credentialId: string; transports: string[] }[]> {
  if (owner.kind === 'operator') {
    return db.select({ credentialId: operatorPasskeys.credentialId, transports: operatorPasskeys.transports }).from(operatorPasskeys)
      .where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.rpId, rpId)));
  }
  return db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys)
    .where(and(clinicOwner(owner), eq(passkeys.rpId, rpId)));
}

/** One of the owner's credentials by the id the browser sent, or null. */
export async function findCredential(db: Executor, owner: PasskeyOwner, credentialId: string): Promise<StoredCredential | null> {
  const [row] = owner.kind === 'operator'
    ? await db.select(credentialColumns(operatorPasskeys)).from(operatorPasskeys)
      .where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.credentialId, credentialId)))
    : await db.select(credentialColumns(passkeys)).from(passkeys)
      .where(and(clinicOwner(owner), eq(passkeys.credentialId, credentialId)));
  return row ?? null;
}

export async function insertCredential(db: Executor, owner: PasskeyOwner, credential: NewCredential): Promise<PasskeyListing> {
  const createdAt = clockNow();
  const [row] = owner.kind === 'operator'
    ? await db.insert(operatorPasskeys).values({ operatorId: owner.id, ...credential, createdAt }).returning(listingColumns(operatorPasskeys))
    : await db.insert(passkeys).values({ tenantId: owner.tenantId, subjectKind: owner.kind, subjectId: owner.id, ...credential, createdAt }).returning(listingColumns(passkeys));
  return row!;
}

/**
 * Records a use with the authenticator's new signature counter, in one conditional UPDATE: the
 * counter must grow, unless both sides are 0 (authenticators that keep no counter, as synced
 * passkeys do). False means it did not: a cloned authenticator, or a replay that raced this one.
 */
export async function recordUse(db: Executor, owner: PasskeyOwner, passkeyId: string, counter: number): Promise<boolean> {
  const at = clockNow();
  const t = owner.kind === 'operator' ? operatorPasskeys : passkeys;
  const grows = sql`(${t.counter} < ${counter} or (${t.counter} = 0 and ${counter} = 0))`;
  const rows = owner.kind === 'operator'
    ? await db.update(operatorPasskeys).set({ counter, lastUsedAt: at })
      .where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.id, passkeyId), grows)).returning({ id: operatorPasskeys.id })
    : await db.update(passkeys).set({ counter, lastUsedAt: at })
      .where(and(clinicOwner(owner), eq(passkeys.id, passkeyId), grows)).returning({ id: passkeys.id });
  return rows.length > 0;
}

/** Renames one of the owner's passkeys; the name before, or null when it is not theirs. */
export async function renameCredential(db: Executor, owner: PasskeyOwner, passkeyId: string, name: string): Promise<{ before: string } | null> {
  const before = await ownListing(db, owner, passkeyId);
  if (!before) return null;
  const rows = owner.kind === 'operator'
    ? await db.update(operatorPasskeys).set({ name }).where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.id, passkeyId))).returning({ id: operatorPasskeys.id })
    : await db.update(passkeys).set({ name }).where(and(clinicOwner(owner), eq(passkeys.id, passkeyId))).returning({ id: passkeys.id });
  return rows.length > 0 ? { before: before.name } : null;
}

/** Deletes one of the owner's passkeys; what it was, or null when it is not theirs. */
export async function deleteCredential(db: Executor, owner: PasskeyOwner, passkeyId: string): Promise<PasskeyListing | null> {
  const [row] = owner.kind === 'operator'
    ? await db.delete(operatorPasskeys).where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.id, passkeyId))).returning(listingColumns(operatorPasskeys))
    : await db.delete(passkeys).where(and(clinicOwner(owner), eq(passkeys.id, passkeyId))).returning(listingColumns(passkeys));
  return row ?? null;
}

async function ownListing(db: Executor, owner: PasskeyOwner, passkeyId: string): Promise<PasskeyListing | null> {
  const [row] = owner.kind === 'operator'
    ? await db.select(listingColumns(operatorPasskeys)).from(operatorPasskeys).where(and(eq(operatorPasskeys.operatorId, owner.id), eq(operatorPasskeys.id, passkeyId)))
    : await db.select(listingColumns(passkeys)).from(passkeys).where(and(clinicOwner(owner), eq(passkeys.id, passkeyId)));
  return row ?? null;
}

export interface ChallengeKey {
  ceremony: Ceremony;
  /** The session (register) or the sign-in attempt (authenticate) the ceremony belongs to. */
  contextId: string;
  rpId: string;
}

export async function storeChallenge(db: Executor, owner: PasskeyOwner, key: ChallengeKey, challenge: string, expiresAt: Date): Promise<void> {
  const createdAt = clockNow();
  if (owner.kind === 'operator') {
    await db.insert(operatorPasskeyChallenges).values({ operatorId: owner.id, ...key, challenge, expiresAt, createdAt });
  } else {
    await db.insert(passkeyChallenges).values({ tenantId: owner.tenantId, subjectKind: owner.kind, subjectId: owner.id, ...key, challenge, expiresAt, createdAt });
  }
}

/**
 * Uses the challenge the browser signed, once: a single UPDATE … WHERE used_at IS NULL AND
 * expires_at > now, for this owner, ceremony, context and host. Exactly one caller wins it.
 */
export async function claimChallenge(db: Executor, owner: PasskeyOwner, key: ChallengeKey, challenge: string): Promise<boolean> {
  const at = clockNow();
  if (owner.kind === 'operator') {
    const t = operatorPasskeyChallenges;
    const rows = await db.update(t).set({ usedAt: at }).where(and(
      eq(t.operatorId, owner.id), eq(t.ceremony, key.ceremony), eq(t.contextId, key.contextId), eq(t.rpId, key.rpId),
      eq(t.challenge, challenge), isNull(t.usedAt), gt(t.expiresAt, at),
    )).returning({ id: t.id });
    return rows.length > 0;
  }
  const t = passkeyChallenges;
  const rows = await db.update(t).set({ usedAt: at }).where(and(
    eq(t.tenantId, owner.tenantId), eq(t.subjectKind, owner.kind), eq(t.subjectId, owner.id),
    eq(t.ceremony, key.ceremony), eq(t.contextId, key.contextId), eq(t.rpId, key.rpId),
    eq(t.challenge, challenge), isNull(t.usedAt), gt(t.expiresAt, at),
  )).returning({ id: t.id });
  return rows.length > 0;
}

/**
 * The scheduled clean-up (lib/jobs/scheduled.ts): challenges an hour past their expiry, used or
 * not, are only history. One DELETE per table, so two runners delete each row once.
 */
export async function deleteExpiredChallenges(db: Executor, at: Date = clockNow()): Promise<{ passkeyChallengesDeleted: number }> {
  const before = new Date(at.getTime() - 3600_000);
  const clinic = await db.delete(passkeyChallenges).where(lte(passkeyChallenges.expiresAt, before)).returning({ id: passkeyChallenges.id });
  const operator = await db.delete(operatorPasskeyChallenges).where(lte(operatorPasskeyChallenges.expiresAt, before)).returning({ id: operatorPasskeyChallenges.id });
  return { passkeyChallengesDeleted: clinic.length + operator.length };
}
