import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { operatorEnrolments, platformOperators } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { decryptField, encryptField } from '@/lib/crypto/field-encryption';
import { hashPassword } from '@/lib/identity/password-hash';
import { checkPassword } from '@/lib/identity/password-policy';
import { generateToken, hashToken } from '@/lib/identity/secrets';
import { generateTotpSecret, verifyTotp } from '@/lib/identity/totp';
import { RuleError } from '@/lib/kernel/errors';

/**
 * The first operator of a real deployment (and any later one) is made from the command line,
 * never by the demo seed: `npm run platform:create-operator` creates the account with no usable
 * password and prints a single-use link. Whoever opens it within the hour chooses the password
 * and enrols an authenticator; only then can the account sign in (sign-in requires both).
 */

export const OPERATOR_ENROLMENT_TTL_MS = 60 * 60 * 1000;

export class OperatorEnrolmentError extends RuleError {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface IssuedEnrolment {
  operatorId: string;
  email: string;
  created: boolean;
  token: string;
  expiresAt: Date;
}

/**
 * Creates the operator, or re-issues the link of one who has not enrolled yet (earlier links
 * stop working). An operator who has enrolled is refused: their access is theirs to keep.
 */
export async function createOperatorWithEnrolment(db: Database, input: { email: string; fullName: string }): Promise<IssuedEnrolment> {
  const email = input.email.trim().toLowerCase();
  const fullName = input.fullName.trim();
  if (!EMAIL.test(email) || email.length > 254) throw new OperatorEnrolmentError('invalid-email', `"${input.email}" is not an email address.`);
  if (!fullName || fullName.length > 120) throw new OperatorEnrolmentError('invalid-name', 'Give the operator’s full name (at most 120 characters).');
  return db.transaction(async (tx) => {
    // Nobody can sign in with this hash: its password is thrown away at once.
    const unusable = await hashPassword(randomBytes(32).toString('base64url'));
    const inserted = await tx
      .insert(platformOperators)
      .values({ email, fullName, passwordHash: unusable })
      .onConflictDoNothing()
      .returning({ id: platformOperators.id });
    const created = inserted.length > 0;
    const [operator] = await tx
      .select({ id: platformOperators.id, totpSecretEnc: platformOperators.totpSecretEnc })
      .from(platformOperators)
      .where(eq(platformOperators.email, email))
      .for('update');
    if (!operator) throw new Error('operator row vanished');
    if (!created && operator.totpSecretEnc) {
      throw new OperatorEnrolmentError('already-enrolled', `${email} is already an enrolled operator; nothing changed.`);
    }
    const at = clockNow();
    await tx
      .update(operatorEnrolments)
      .set({ expiresAt: at })
      .where(and(eq(operatorEnrolments.operatorId, operator.id), isNull(operatorEnrolments.usedAt), gt(operatorEnrolments.expiresAt, at)));
    const token = generateToken();
    const expiresAt = new Date(at.getTime() + OPERATOR_ENROLMENT_TTL_MS);
    await tx.insert(operatorEnrolments).values({ operatorId: operator.id, tokenHash: hashToken(token), expiresAt });
    await recordAudit(tx, {
      tenantId: null,
      actor: { kind: 'system', label: 'platform:create-operator' },
      action: created ? 'platform.operator_created' : 'platform.operator_enrolment_reissued',
      target: { type: 'platform_operator', id: operator.id },
      details: { email },
    });
    return { operatorId: operator.id, email, created, token, expiresAt };
  });
}

export interface OpenEnrolment {
  enrolmentId: string;
  operatorId: string;
  email: string;
  fullName: string;
  /** The authenticator secret to show (base32), the same on every visit until used. */
  totpSecret: string;
}

async function findOpen(db: Executor, token: string) {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({
      enrolmentId: operatorEnrolments.id,
      totpSecretEnc: operatorEnrolments.totpSecretEnc,
      operatorId: platformOperators.id,
      email: platformOperators.email,
      fullName: platformOperators.fullName,
      active: platformOperators.active,
      enrolled: platformOperators.totpSecretEnc,
    })
    .from(operatorEnrolments)
    .innerJoin(platformOperators, eq(platformOperators.id, operatorEnrolments.operatorId))
    .where(and(eq(operatorEnrolments.tokenHash, hashToken(token)), isNull(operatorEnrolments.usedAt), gt(operatorEnrolments.expiresAt, clockNow())));
  if (!row || !row.active || row.enrolled) return null;
  return row;
}

/**
 * The enrolment a link opens, or null when it is unknown, used, expired or its operator has
 * since enrolled. Gives the link its authenticator secret on the first visit.
 */
export async function openOperatorEnrolment(db: Executor, token: string): Promise<OpenEnrolment | null> {
  const row = await findOpen(db, token);
  if (!row) return null;
  let secretEnc = row.totpSecretEnc;
  if (!secretEnc) {
    // Two tabs opened at once keep whichever secret was stored first.
    const [stored] = await db
      .update(operatorEnrolments)
      .set({ totpSecretEnc: sql`coalesce(${operatorEnrolments.totpSecretEnc}, ${encryptField(generateTotpSecret())})` })
      .where(eq(operatorEnrolments.id, row.enrolmentId))
      .returning({ totpSecretEnc: operatorEnrolments.totpSecretEnc });
    secretEnc = stored?.totpSecretEnc ?? null;
  }
  if (!secretEnc) return null;
  return { enrolmentId: row.enrolmentId, operatorId: row.operatorId, email: row.email, fullName: row.fullName, totpSecret: decryptField(secretEnc) };
}

export type EnrolmentOutcome = { ok: true; email: string } | { ok: false; error: 'link-invalid' };

/**
 * Sets the password and the authenticator in one transaction, and uses the link up. A wrong
 * code or a weak password leaves the link open, so the person can try again within the hour.
 */
export async function completeOperatorEnrolment(
  db: Database,
  token: string,
  input: { password: string; code: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<EnrolmentOutcome> {
  const open = await openOperatorEnrolment(db, token);
  if (!open) return { ok: false, error: 'link-invalid' };
  const check = await checkPassword(input.password, { email: open.email, name: open.fullName });
  if (!check.ok) throw new OperatorEnrolmentError('weak-password', check.problems.join(' '), { password: check.problems.join(' ') });
  const totp = verifyTotp(open.totpSecret, input.code);
  if (!totp.ok) {
    throw new OperatorEnrolmentError('wrong-code', 'That code is not correct. Enter the newest code from your app.', { code: 'That code is not correct. Enter the newest code from your app.' });
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // Claimed with a conditional update: of two submits racing with one link, one wins.
    const used = await tx
      .update(operatorEnrolments)
      .set({ usedAt: clockNow() })
      .where(and(eq(operatorEnrolments.id, open.enrolmentId), isNull(operatorEnrolments.usedAt), gt(operatorEnrolments.expiresAt, clockNow())))
      .returning({ id: operatorEnrolments.id });
    if (used.length === 0) return { ok: false, error: 'link-invalid' } as const;
    const enrolled = await tx
      .update(platformOperators)
      .set({ passwordHash, totpSecretEnc: encryptField(open.totpSecret), totpEnrolledAt: clockNow(), totpLastStep: totp.step, failedSignIns: 0, lockedUntil: null })
      .where(and(eq(platformOperators.id, open.operatorId), isNull(platformOperators.totpSecretEnc)))
      .returning({ id: platformOperators.id });
    if (enrolled.length === 0) return { ok: false, error: 'link-invalid' } as const;
    await recordAudit(tx, {
      tenantId: null,
      actor: { kind: 'operator', id: open.operatorId, label: open.email },
      action: 'auth.totp_enrolled',
      ...client,
      details: { area: 'console', via: 'enrolment-link' },
    });
    return { ok: true, email: open.email } as const;
  });
}
