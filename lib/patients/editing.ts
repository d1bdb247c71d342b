import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients, tenants, type NewPatient } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalAccountContext, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { eventActorOf, recordEvent } from '@/lib/engagement/events';
import { isUuid } from '@/lib/kernel/ids';
import type { DuplicateCandidate } from './form-state';
import { nationalIdLookupHash, protectNationalId } from './national-id';
import type { PatientInput } from './schemas';

export type { DuplicateCandidate } from './form-state';

/** Possible duplicates of a new patient: same name and date of birth, or the same national ID. */
export async function findDuplicatePatients(
  db: Executor,
  ctx: StaffContext,
  input: Pick<PatientInput, 'firstName' | 'lastName' | 'dateOfBirth' | 'nationalId'>,
  excludeId?: string,
): Promise<DuplicateCandidate[]> {
  assertPermission(ctx, 'patients.view');
  const sameName = sameNameAndBirthDate(input);
  const sameId = input.nationalId ? sql`${patients.nationalIdHash} = ${nationalIdLookupHash(input.nationalId)}` : sql`false`;
  const rows = await db
    .select({
      id: patients.id, recordNumber: patients.recordNumber, firstName: patients.firstName, lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth, sameId: sql<boolean>`${sameId}`,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), sql`(${sameName}) or (${sameId})`, excludeId ? sql`${patients.id} <> ${excludeId}` : sql`true`))
    .limit(10);
  return rows.map(({ sameId: byId, ...r }) => ({ ...r, reason: byId ? 'national-id' : 'name-and-birth-date' }));
}

/** The clinic's test for "the same person": first and last name (any case) and date of birth. */
export function sameNameAndBirthDate(input: Pick<PatientInput, 'firstName' | 'lastName' | 'dateOfBirth'>) {
  return sql`lower(${patients.firstName}) = ${input.firstName.toLowerCase()} and lower(${patients.lastName}) = ${input.lastName.toLowerCase()} and ${patients.dateOfBirth} = ${input.dateOfBirth}`;
}

function recordPrefix(slug: string): string {
  return slug.replace(/[^a-z]/g, '').slice(0, 3).toUpperCase().padEnd(3, 'X');
}

export type CreatePatientResult =
  | { ok: true; id: string; recordNumber: string }
  | { ok: false; duplicates: DuplicateCandidate[] };

/**
 * Creates a patient. Possible duplicates stop the creation unless the user confirmed them; the
 * same national ID is never allowed twice. The record number is the clinic's next number.
 */
export async function createPatient(
  db: Executor,
  ctx: StaffContext,
  input: PatientInput,
  options: { confirmDuplicates?: boolean } = {},
): Promise<CreatePatientResult> {
  assertPermission(ctx, 'patients.edit');
  const duplicates = await findDuplicatePatients(db, ctx, input);
  if (duplicates.some((d) => d.reason === 'national-id') || (duplicates.length > 0 && !options.confirmDuplicates)) {
    return { ok: false, duplicates };
  }
  const [tenant] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, ctx.tenant.id));
  const { nationalId, ...fields } = input;
  return db.transaction(async (tx) => {
    const { id, recordNumber } = await insertPatientRecord(tx, { id: ctx.tenant.id, slug: tenant!.slug }, {
      ...fields, ...(nationalId ? protectNationalId(nationalId) : {}),
    });
    await recordAudit(tx, ctx, {
      action: 'patient.created', patientId: id, target: { type: 'patient', id },
      details: { duplicatesConfirmed: duplicates.length > 0 },
    });
    await recordEvent(tx, ctx.tenant.id, { name: 'patient.created', patientId: id, subject: {}, actor: eventActorOf(ctx) });
    return { ok: true as const, id, recordNumber };
  });
}

/**
 * One creator of patients at a time per clinic, until the caller's transaction ends: while the
 * next record number is taken, and for a check that no such patient exists yet before creating one.
 */
export async function lockPatientRecords(tx: Executor, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`patient-record:${tenantId}`}, 0))`);
}

/**
 * Inserts a patient with the clinic's next record number, inside the caller's transaction (which
 * audits it): staff creating a patient, or a visitor registering in the shop (lib/commerce).
 */
export async function insertPatientRecord(
  tx: Executor,
  tenant: { id: string; slug: string },
  values: Omit<NewPatient, 'tenantId' | 'recordNumber'>,
): Promise<{ id: string; recordNumber: string }> {
  await lockPatientRecords(tx, tenant.id);
  const prefix = recordPrefix(tenant.slug);
  const [last] = await tx
    .select({ n: sql<number>`coalesce(max(nullif(regexp_replace(${patients.recordNumber}, '\\D', '', 'g'), '')::bigint), 10000)` })
    .from(patients)
    .where(and(eq(patients.tenantId, tenant.id), sql`${patients.recordNumber} like ${`${prefix}-%`}`));
  const recordNumber = `${prefix}-${Number(last?.n ?? 10000) + 1}`;
  const [row] = await tx
    .insert(patients)
    .values({ ...values, tenantId: tenant.id, recordNumber })
    .returning({ id: patients.id });
  return { id: row!.id, recordNumber };
}

const AUDITED_FIELDS = [
  'firstName', 'lastName', 'dateOfBirth', 'sex', 'email', 'phone', 'addressLine1', 'addressLine2', 'city', 'region',
  'postalCode', 'country', 'preferredLanguage',
] as const;

export type UpdatePatientResult = { ok: true; changed: string[] } | { ok: false; error: 'national-id-taken' };

/** Saves the details form; the audit entry records who changed which field from what to what. */
export async function updatePatient(
  db: Executor,
  ctx: StaffContext | PortalAccountContext,
  patientId: string,
  input: Partial<PatientInput>,
): Promise<UpdatePatientResult> {
  if ('actor' in ctx) assertPermission(ctx, 'patients.edit');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId))).for('update');
    if (!before) throw new NotFoundError('patient');
    const { nationalId, ...fields } = input;
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const key of AUDITED_FIELDS) {
      if (key in fields && fields[key] !== undefined && fields[key] !== before[key]) changes[key] = { before: before[key], after: fields[key] };
    }
    let protectedId = {};
    if (nationalId) {
      const hash = nationalIdLookupHash(nationalId);
      if (hash !== before.nationalIdHash) {
        const [clash] = await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.nationalIdHash, hash)));
        if (clash) return { ok: false as const, error: 'national-id-taken' as const };
        protectedId = protectNationalId(nationalId);
        changes.nationalId = { before: before.nationalIdLast4 ? 'set' : null, after: 'changed' };
      }
    }
    if (Object.keys(changes).length === 0) return { ok: true as const, changed: [] };
    const update = Object.fromEntries(Object.keys(changes).filter((k) => k !== 'nationalId').map((k) => [k, fields[k as keyof typeof fields]]));
    await tx.update(patients).set({ ...update, ...protectedId, updatedAt: clockNow() }).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
    await recordAudit(tx, ctx, { action: 'patient.updated', patientId, target: { type: 'patient', id: patientId }, details: { changes } });
    return { ok: true as const, changed: Object.keys(changes) };
  });
}
