import 'server-only';
import { and, asc, eq, isNull, sql, type SQLWrapper } from 'drizzle-orm';
import { cache } from 'react';
import { isTransaction, type Executor } from '@/db/client';
import { patientPortalSettings, patients, portalAccountPatients } from '@/db/schema';
import { isUuid } from '@/lib/kernel/ids';
import { NotFoundError, type LinkedPatient, type PortalContext } from './context';

/**
 * This request's answers, so the session check and the link re-checks of the page's data
 * functions cost one query between them. React's cache is per request (and a no-op outside one);
 * reads inside a transaction always go to the database.
 */
const requestMemo = cache(() => new Map<string, LinkedPatient[]>());

export function rememberLinkedPatients(tenantId: string, accountId: string, linked: LinkedPatient[]): void {
  requestMemo().set(`${tenantId}:${accountId}`, linked);
}

/** The patients a portal account may act for, excluding any whose portal access staff disabled. */
export async function listLinkedPatients(db: Executor, tenantId: string, accountId: string): Promise<LinkedPatient[]> {
  const key = `${tenantId}:${accountId}`;
  const inTransaction = isTransaction(db);
  const remembered = inTransaction ? undefined : requestMemo().get(key);
  if (remembered) return remembered;
  const linked = await queryLinkedPatients(db, tenantId, accountId);
  if (!inTransaction) requestMemo().set(key, linked);
  return linked;
}

/**
 * The same list as a JSON value inside another query (the session check loads it with the
 * session row). Must stay equal to queryLinkedPatients: tests/integration compares them.
 */
export function linkedPatientsJson(tenantId: SQLWrapper, accountId: SQLWrapper) {
  return sql<LinkedPatient[]>`coalesce((
    select json_agg(json_build_object(
      'id', p.id, 'firstName', p.first_name, 'lastName', p.last_name,
      'dateOfBirth', p.date_of_birth, 'relationship', pap.relationship
    ) order by pap.created_at, p.first_name)
    from portal_account_patients pap
    join patients p on p.tenant_id = pap.tenant_id and p.id = pap.patient_id
    left join patient_portal_settings s on s.tenant_id = p.tenant_id and s.patient_id = p.id
    where pap.tenant_id = ${tenantId} and pap.account_id = ${accountId} and s.disabled_at is null
  ), '[]'::json)`;
}

/** Always from the database: for the moment links may just have changed (signing in after an activation). */
export async function queryLinkedPatients(db: Executor, tenantId: string, accountId: string): Promise<LinkedPatient[]> {
  return db
    .select({
      id: patients.id,
      firstName: patients.firstName,
      lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth,
      relationship: portalAccountPatients.relationship,
    })
    .from(portalAccountPatients)
    .innerJoin(patients, and(eq(patients.tenantId, portalAccountPatients.tenantId), eq(patients.id, portalAccountPatients.patientId)))
    .leftJoin(
      patientPortalSettings,
      and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)),
    )
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId),
      eq(portalAccountPatients.accountId, accountId),
      isNull(patientPortalSettings.disabledAt),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(patients.firstName));
}

/**
 * The account must still be linked to the patient it acts for (staff may have disabled portal
 * access since the session chose them); anything else is not-found.
 */
export async function assertPortalLink(db: Executor, ctx: PortalContext): Promise<void> {
  if (!isUuid(ctx.patient.id)) throw new NotFoundError('patient');
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  if (!linked.some((p) => p.id === ctx.patient.id)) throw new NotFoundError('patient');
}
