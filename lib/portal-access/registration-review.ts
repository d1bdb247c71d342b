import 'server-only';
import { and, asc, count, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { patients, portalAccounts, portalRegistrations } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { recordEvent } from '@/lib/engagement/events';
import { RuleError } from '@/lib/kernel/errors';
import { FRAME_MEMO_MS, frameMemo } from '@/lib/kernel/frame-memo';
import { isUuid } from '@/lib/kernel/ids';
import { maskNationalId } from '@/lib/patients/national-id';
import { RegistrationAuditActions } from './registration-audit-actions';
import { queueRegistrationDecisionNotice } from './registration-notices';

/**
 * The EMR's side of self-registration (issue 19 point 4; /emr/registrations): the registrations
 * waiting for the clinic, and approving or rejecting one. Seeing the list is portal administration
 * (portal_admin.view, as the patient's Portal tab); deciding also needs patients.edit, because an
 * approval lets a record a stranger made into the clinic's records and opens the portal to it, and
 * a rejection closes it: the people who may create and edit patients decide, after comparing a
 * possible duplicate. Each decision is one transaction: the registration, the account (active, or
 * rejected: it can never sign in), the patient's portal_account.activated event on approval, and a
 * notice to the registrant without any detail (registration-notices.ts). Audited with ids only;
 * a rejection's reason stays on the registration row, for the clinic.
 */

const duplicate = alias(patients, 'duplicate_patient');

export interface PendingRegistration {
  id: string;
  createdAt: Date;
  patientId: string;
  recordNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  /** The email the account signs in with, or the masked national ID. */
  email: string | null;
  maskedNationalId: string | null;
  phone: string;
  possibleDuplicate: { id: string; recordNumber: string; firstName: string; lastName: string } | null;
}

/** The registrations waiting for a decision, oldest first. Reading names and dates of birth is audited. */
export async function listPendingRegistrations(db: Executor, ctx: StaffContext): Promise<PendingRegistration[]> {
  assertPermission(ctx, 'portal_admin.view');
  const rows = await db
    .select({
      id: portalRegistrations.id,
      createdAt: portalRegistrations.createdAt,
      patientId: patients.id,
      recordNumber: patients.recordNumber,
      firstName: patients.firstName,
      lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth,
      nationalIdLast4: patients.nationalIdLast4,
      email: portalAccounts.email,
      phone: portalAccounts.phone,
      duplicateId: duplicate.id,
      duplicateRecord: duplicate.recordNumber,
      duplicateFirstName: duplicate.firstName,
      duplicateLastName: duplicate.lastName,
    })
    .from(portalRegistrations)
    .innerJoin(patients, and(eq(patients.tenantId, portalRegistrations.tenantId), eq(patients.id, portalRegistrations.patientId)))
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalRegistrations.tenantId), eq(portalAccounts.id, portalRegistrations.accountId)))
    .leftJoin(duplicate, and(eq(duplicate.tenantId, portalRegistrations.tenantId), eq(duplicate.id, portalRegistrations.possibleDuplicateOf)))
    .where(and(eq(portalRegistrations.tenantId, ctx.tenant.id), eq(portalRegistrations.status, 'pending')))
    .orderBy(asc(portalRegistrations.createdAt), asc(portalRegistrations.id))
    .limit(200);
  await recordAudit(db, ctx, { action: RegistrationAuditActions.listed, details: { count: rows.length } });
  return rows.map((r) => ({
    id: r.id, createdAt: r.createdAt, patientId: r.patientId, recordNumber: r.recordNumber, firstName: r.firstName, lastName: r.lastName,
    dateOfBirth: r.dateOfBirth, email: r.email, maskedNationalId: maskNationalId(r.nationalIdLast4), phone: r.phone,
    possibleDuplicate: r.duplicateId
      ? { id: r.duplicateId, recordNumber: r.duplicateRecord!, firstName: r.duplicateFirstName!, lastName: r.duplicateLastName! }
      : null,
  }));
}

const pendingBadge = frameMemo('emr-registrations-badge', FRAME_MEMO_MS, async (db, tenantId) => {
  const [row] = await db
    .select({ n: count() })
    .from(portalRegistrations)
    .where(and(eq(portalRegistrations.tenantId, tenantId), eq(portalRegistrations.status, 'pending')));
  return row?.n ?? 0;
});

/**
 * How many registrations wait (the EMR's navigation badge), remembered by the process for a few
 * seconds: every EMR page's frame asks; the registrations page lists them itself.
 */
export async function pendingRegistrationCount(db: Executor, ctx: StaffContext): Promise<number> {
  assertPermission(ctx, 'portal_admin.view');
  return pendingBadge.get(db, ctx.tenant.id);
}

/** After a registration is made or decided in this process: its badge shows it at once. */
export function forgetPendingRegistrations(tenantId: string): void {
  pendingBadge.forget(tenantId);
}

export type RegistrationDecision = { changed: true } | { changed: false; status: 'approved' | 'rejected' };

function assertMayDecide(ctx: StaffContext) {
  assertPermission(ctx, 'portal_admin.view');
  assertPermission(ctx, 'patients.edit');
}

/** The registration and its account, locked for the decision; another clinic's id is not found. */
async function lockRegistration(tx: Executor, ctx: StaffContext, registrationId: string) {
  if (!isUuid(registrationId)) throw new NotFoundError('registration');
  const [row] = await tx
    .select({
      id: portalRegistrations.id, status: portalRegistrations.status, accountId: portalRegistrations.accountId,
      patientId: portalRegistrations.patientId, possibleDuplicateOf: portalRegistrations.possibleDuplicateOf,
    })
    .from(portalRegistrations)
    .where(and(eq(portalRegistrations.tenantId, ctx.tenant.id), eq(portalRegistrations.id, registrationId)))
    .for('update');
  if (!row) throw new NotFoundError('registration');
  const [account] = await tx
    .select({ id: portalAccounts.id, email: portalAccounts.email, phone: portalAccounts.phone, language: portalAccounts.language })
    .from(portalAccounts)
    .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, row.accountId)))
    .for('update');
  if (!account) throw new NotFoundError('registration');
  return { ...row, account };
}

/**
 * "Approve": the account can sign in from now on. Deciding twice (two tabs, two people) changes
 * nothing the second time and says how it was decided.
 */
export async function approveRegistration(db: Executor, ctx: StaffContext, input: { registrationId: string }): Promise<RegistrationDecision> {
  assertMayDecide(ctx);
  return db.transaction(async (tx): Promise<RegistrationDecision> => {
    const registration = await lockRegistration(tx, ctx, input.registrationId);
    if (registration.status !== 'pending') return { changed: false, status: registration.status };
    const at = now();
    await tx.update(portalRegistrations)
      .set({ status: 'approved', decidedByStaffId: ctx.actor.id, decidedAt: at })
      .where(and(eq(portalRegistrations.tenantId, ctx.tenant.id), eq(portalRegistrations.id, registration.id)));
    const [activated] = await tx.update(portalAccounts)
      .set({ status: 'active', updatedAt: at })
      .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, registration.accountId), eq(portalAccounts.status, 'pending')))
      .returning({ id: portalAccounts.id });
    // Staff may have turned the account off meanwhile: it stays off, and hears nothing.
    if (activated) {
      await recordEvent(tx, ctx.tenant.id, {
        name: 'portal_account.activated', patientId: registration.patientId,
        subject: { portalAccountId: registration.accountId, relationship: 'self' }, actor: { kind: 'staff', id: ctx.actor.id },
      });
      await queueRegistrationDecisionNotice(tx, ctx.tenant.id, registration.account, registration.id, 'approved');
    }
    await recordAudit(tx, ctx, {
      action: RegistrationAuditActions.approved, patientId: registration.patientId, target: { type: 'portal_account', id: registration.accountId },
      details: { registrationId: registration.id, possibleDuplicateOf: registration.possibleDuplicateOf, accountActivated: Boolean(activated) },
    });
    return { changed: true };
  }).finally(() => forgetPendingRegistrations(ctx.tenant.id));
}

/**
 * "Reject": the account can never sign in (sign-in tells its owner, after the right password,
 * that the clinic could not confirm it). The patient record stays, for the clinic to keep or
 * remove; the reason is kept on the registration and never sent.
 */
export async function rejectRegistration(db: Executor, ctx: StaffContext, input: { registrationId: string; reason: string }): Promise<RegistrationDecision> {
  assertMayDecide(ctx);
  const reason = input.reason.trim();
  if (!reason) throw new RuleError('registration-reason', 'Say why, for the clinic’s record.', { reason: 'Say why, for the clinic’s record (the registrant is not shown it).' });
  return db.transaction(async (tx): Promise<RegistrationDecision> => {
    const registration = await lockRegistration(tx, ctx, input.registrationId);
    if (registration.status !== 'pending') return { changed: false, status: registration.status };
    const at = now();
    await tx.update(portalRegistrations)
      .set({ status: 'rejected', decidedByStaffId: ctx.actor.id, decidedAt: at, reason })
      .where(and(eq(portalRegistrations.tenantId, ctx.tenant.id), eq(portalRegistrations.id, registration.id)));
    const [rejected] = await tx.update(portalAccounts)
      .set({ status: 'rejected', updatedAt: at })
      .where(and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, registration.accountId), eq(portalAccounts.status, 'pending')))
      .returning({ id: portalAccounts.id });
    if (rejected) await queueRegistrationDecisionNotice(tx, ctx.tenant.id, registration.account, registration.id, 'rejected');
    await recordAudit(tx, ctx, {
      action: RegistrationAuditActions.rejected, patientId: registration.patientId, target: { type: 'portal_account', id: registration.accountId },
      details: { registrationId: registration.id, possibleDuplicateOf: registration.possibleDuplicateOf, withReason: true },
    });
    return { changed: true };
  }).finally(() => forgetPendingRegistrations(ctx.tenant.id));
}
