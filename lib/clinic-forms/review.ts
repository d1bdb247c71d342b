import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  formAssignments, formRecordChanges, formResponses, formSignatures, formTemplates, formTemplateVersions, patients, portalAccounts,
  staffUsers, type AssignmentStatus, type FormKind, type RecordField, type SignerRole,
} from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { enqueueFormNotice } from '@/lib/notifications/form-notifications';
import { toE164 } from '@/lib/phone/format';
import { RECORD_COLUMNS } from './record-fields';
import { findAssignment } from './assignments';
import { FormsAuditActions } from './audit-actions';
import type { FormDefinition } from './definition';
import { visibleFields, type Answers } from './enable-when';
import { FormsRuleError } from './errors';
import { fromResponseItems, type ResponseItem } from './response-items';
import { scoreAnswers, type FormScore } from './scoring';
import { readDefinition } from './templates';
import { clinicToday } from './reminders';

/**
 * Staff reading and deciding on what patients sent (issue 15 points 7 and 8): a submitted
 * response shown with the definition of its own version, "Mark reviewed", "Ask for a
 * correction" (a new response amending the submitted one; the submitted row never changes), and
 * Forms → To review, where answers that would change the patient's record are accepted or
 * rejected one by one. Reading answers is audited (forms.response_viewed).
 */

export interface ResponseSignature {
  linkId: string;
  signerName: string;
  signerRole: SignerRole;
  method: 'drawn' | 'typed';
  drawingPng: string | null;
  consentText: string;
  contentSha256: string;
  signedAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  signedBy: string | null;
}

export interface ResponseView {
  assignment: {
    id: string;
    patientId: string;
    title: string;
    kind: FormKind;
    version: number;
    status: AssignmentStatus;
    dueOn: string | null;
    submittedAt: Date | null;
    reviewedAt: Date | null;
    reviewedByName: string | null;
  };
  definition: FormDefinition;
  /** The response shown: the latest submitted one unless another was asked for. */
  response: { id: string; submittedAt: Date; amendsResponseId: string | null; documentId: string | null; submittedBy: string | null; current: boolean };
  answers: Answers;
  visible: string[];
  score: FormScore | null;
  signatures: ResponseSignature[];
  /** Every submitted response of the assignment, oldest first (corrections after the original). */
  submissions: { id: string; submittedAt: Date }[];
  /** A correction was asked for and is not sent yet. */
  correctionOpen: boolean;
}

/**
 * A submitted response of one of the patient's assignments (`responseId` omitted: the latest).
 * Chart reading: the answers are filed in the chart as a document, so documents.view.
 */
export async function getResponseView(
  db: Executor,
  ctx: StaffContext,
  input: { patientId: string; assignmentId: string; responseId?: string },
): Promise<ResponseView> {
  assertPermission(ctx, 'patients.view');
  assertPermission(ctx, 'documents.view');
  const assignment = await findAssignment(db, ctx, input);
  if (input.responseId !== undefined && !isUuid(input.responseId)) throw new NotFoundError('form response');
  const [template] = await db
    .select({ title: formTemplates.title, kind: formTemplates.kind, version: formTemplateVersions.version, definition: formTemplateVersions.definition, reviewedByName: staffUsers.fullName })
    .from(formTemplateVersions)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formTemplateVersions.tenantId), eq(formTemplates.id, formTemplateVersions.templateId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, formTemplateVersions.tenantId), eq(staffUsers.id, sql`${assignment.reviewedById ?? null}::uuid`)))
    .where(and(eq(formTemplateVersions.tenantId, ctx.tenant.id), eq(formTemplateVersions.id, assignment.versionId)));
  if (!template) throw new NotFoundError('form version');
  const responses = await db
    .select({
      id: formResponses.id, status: formResponses.status, items: formResponses.items, submittedAt: formResponses.submittedAt,
      amendsResponseId: formResponses.amendsResponseId, documentId: formResponses.documentId,
      accountName: portalAccounts.fullName, staffName: staffUsers.fullName,
    })
    .from(formResponses)
    .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, formResponses.tenantId), eq(portalAccounts.id, formResponses.submittedByAccountId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, formResponses.tenantId), eq(staffUsers.id, formResponses.submittedByStaffId)))
    .where(and(eq(formResponses.tenantId, ctx.tenant.id), eq(formResponses.assignmentId, assignment.id)))
    .orderBy(asc(formResponses.createdAt), asc(formResponses.id));
  const submitted = responses.filter((r) => r.status === 'submitted');
  const shown = input.responseId ? submitted.find((r) => r.id === input.responseId) : submitted.at(-1);
  if (!shown) throw new NotFoundError('form response');
  const amended = new Set(responses.map((r) => r.amendsResponseId).filter(Boolean));

  const definition = readDefinition(template.definition, template.kind);
  const answers = fromResponseItems(definition, shown.items as ResponseItem[]);
  const signatures = await db
    .select({
      linkId: formSignatures.linkId, signerName: formSignatures.signerName, signerRole: formSignatures.signerRole, method: formSignatures.method,
      drawingPng: formSignatures.drawingPng, consentText: formSignatures.consentText, contentSha256: formSignatures.contentSha256,
      signedAt: formSignatures.signedAt, ipAddress: formSignatures.ipAddress, userAgent: formSignatures.userAgent,
      accountName: portalAccounts.fullName, staffName: staffUsers.fullName,
    })
    .from(formSignatures)
    .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, formSignatures.tenantId), eq(portalAccounts.id, formSignatures.signedByAccountId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, formSignatures.tenantId), eq(staffUsers.id, formSignatures.signedByStaffId)))
    .where(and(eq(formSignatures.tenantId, ctx.tenant.id), eq(formSignatures.responseId, shown.id)))
    .orderBy(asc(formSignatures.signedAt));

  await recordAudit(db, ctx, {
    action: FormsAuditActions.responseViewed, patientId: assignment.patientId, target: { type: 'form_response', id: shown.id },
    details: { assignmentId: assignment.id },
  });
  return {
    assignment: {
      id: assignment.id, patientId: assignment.patientId, title: template.title, kind: template.kind, version: template.version,
      status: assignment.status, dueOn: assignment.dueOn, submittedAt: assignment.submittedAt, reviewedAt: assignment.reviewedAt,
      reviewedByName: assignment.reviewedById ? template.reviewedByName : null,
    },
    definition,
    response: {
      id: shown.id, submittedAt: shown.submittedAt!, amendsResponseId: shown.amendsResponseId, documentId: shown.documentId,
      submittedBy: shown.accountName ?? shown.staffName ?? null, current: !amended.has(shown.id),
    },
    answers,
    visible: [...visibleFields(definition, answers)],
    score: scoreAnswers(definition, answers),
    signatures: signatures.map(({ accountName, staffName, ...s }) => ({ ...s, signedBy: accountName ?? staffName ?? null })),
    submissions: submitted.map((r) => ({ id: r.id, submittedAt: r.submittedAt! })),
    correctionOpen: responses.some((r) => r.status === 'in_progress' && r.amendsResponseId !== null),
  };
}

/** submitted → reviewed. Refused for anything else (a second click finds it reviewed). */
export async function markReviewed(db: Executor, ctx: StaffContext, input: { patientId: string; assignmentId: string }): Promise<void> {
  assertPermission(ctx, 'forms.assign');
  await db.transaction(async (tx) => {
    const assignment = await findAssignment(tx, ctx, input, true);
    if (assignment.status !== 'submitted') throw new FormsRuleError('not-reviewable');
    const at = now();
    await tx
      .update(formAssignments)
      .set({ status: 'reviewed', reviewedAt: at, reviewedById: ctx.actor.id, updatedAt: at })
      .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignment.id)));
    await recordAudit(tx, ctx, { action: FormsAuditActions.responseReviewed, patientId: assignment.patientId, target: { type: 'form_assignment', id: assignment.id } });
  });
}

/**
 * "Ask for a correction": a new in-progress response amending the current submitted one,
 * pre-filled with its answers; the assignment is open again (in_progress) and the patient's
 * people are told. The submitted response stays as it was (the database refuses changes to it).
 * A due date already past is dropped unless a new one is given, so the expiry job does not
 * close the correction at once.
 */
export async function requestCorrection(
  db: Executor,
  ctx: StaffContext,
  input: { patientId: string; assignmentId: string; message?: string | null; dueOn?: string | null },
): Promise<{ responseId: string }> {
  assertPermission(ctx, 'forms.assign');
  try {
    return await db.transaction(async (tx) => {
      const assignment = await findAssignment(tx, ctx, input, true);
      if (assignment.status !== 'submitted' && assignment.status !== 'reviewed') throw new FormsRuleError('not-submitted');
      const [current] = await tx
        .select()
        .from(formResponses)
        .where(and(
          eq(formResponses.tenantId, ctx.tenant.id), eq(formResponses.assignmentId, assignment.id),
          sql`not exists (select 1 from ${formResponses} later where later.tenant_id = ${formResponses.tenantId} and later.amends_response_id = ${formResponses.id})`,
        ))
        .orderBy(desc(formResponses.createdAt))
        .limit(1);
      if (!current) throw new FormsRuleError('not-submitted');
      if (current.status !== 'submitted') throw new FormsRuleError('already-amended');
      const today = await clinicToday(tx, ctx.tenant.id);
      if (input.dueOn && input.dueOn < today) throw new FormsRuleError('due-in-past', { dueOn: 'Choose a due date from today on.' });
      const dueOn = input.dueOn ?? (assignment.dueOn && assignment.dueOn >= today ? assignment.dueOn : null);
      const at = now();
      const [made] = await tx
        .insert(formResponses)
        .values({
          tenantId: ctx.tenant.id, assignmentId: assignment.id, patientId: assignment.patientId, versionId: current.versionId,
          status: 'in_progress', items: current.items, amendsResponseId: current.id, lastEditedByStaffId: ctx.actor.id, createdAt: at, updatedAt: at,
        })
        .returning({ id: formResponses.id });
      await tx
        .update(formAssignments)
        .set({
          status: 'in_progress', reviewedAt: null, reviewedById: null, dueOn, message: input.message ?? assignment.message, updatedAt: at,
        })
        .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignment.id)));
      await recordAudit(tx, ctx, {
        action: FormsAuditActions.amendmentStarted, patientId: assignment.patientId, target: { type: 'form_response', id: made!.id },
        details: { assignmentId: assignment.id, amends: current.id, dueOn },
      });
      await enqueueFormNotice(tx, { tenantId: ctx.tenant.id, patientId: assignment.patientId, kind: 'correction', event: `forms:correction:${made!.id}` });
      return { responseId: made!.id };
    });
  } catch (error) {
    if (postgresErrorCode(error) !== PG.uniqueViolation) throw error;
    // Another correction of the same response got in first, or the form was assigned again meanwhile.
    const constraint = (error as { cause?: { constraint_name?: string } }).cause?.constraint_name;
    if (constraint === 'form_assignments_one_open_key') {
      throw new FormsRuleError('already-assigned', undefined, undefined, 'This patient has this form open again already. Cancel that one first, or wait for it.');
    }
    throw new FormsRuleError('already-amended');
  }
}

// ---------------------------------------------------------------------------------------------
// Forms → To review

export interface PendingRecordChange {
  id: string;
  patientId: string;
  patientName: string;
  recordNumber: string;
  field: RecordField;
  currentValue: string | null;
  proposedValue: string;
  formTitle: string;
  assignmentId: string;
  createdAt: Date;
}

const PROPERTY = {
  email: 'email', phone: 'phone', address_line1: 'addressLine1', address_line2: 'addressLine2', city: 'city', region: 'region',
  postal_code: 'postalCode', country: 'country', date_of_birth: 'dateOfBirth',
} as const satisfies Record<RecordField, string>;

export const RECORD_FIELD_LABELS: Record<RecordField, string> = {
  email: 'Email', phone: 'Phone', address_line1: 'Address line 1', address_line2: 'Address line 2', city: 'City', region: 'State or region',
  postal_code: 'Postal code', country: 'Country', date_of_birth: 'Date of birth',
};

/** Pending changes across the clinic's patients, oldest first (the queue is worked in order). */
export async function listPendingRecordChanges(db: Executor, ctx: StaffContext, limit = 200): Promise<PendingRecordChange[]> {
  assertPermission(ctx, 'forms.assign');
  assertPermission(ctx, 'patients.view');
  const current = sql<string | null>`case ${formRecordChanges.field} ${sql.join(
    (Object.keys(RECORD_COLUMNS) as RecordField[]).map((f) => sql`when ${f} then ${RECORD_COLUMNS[f]}::text`), sql` `,
  )} end`;
  const rows = await db
    .select({
      id: formRecordChanges.id, patientId: formRecordChanges.patientId, firstName: patients.firstName, lastName: patients.lastName,
      recordNumber: patients.recordNumber, field: formRecordChanges.field, currentValue: current, proposedValue: formRecordChanges.proposedValue,
      formTitle: formTemplates.title, assignmentId: formResponses.assignmentId, createdAt: formRecordChanges.createdAt,
    })
    .from(formRecordChanges)
    .innerJoin(patients, and(eq(patients.tenantId, formRecordChanges.tenantId), eq(patients.id, formRecordChanges.patientId)))
    .innerJoin(formResponses, and(eq(formResponses.tenantId, formRecordChanges.tenantId), eq(formResponses.id, formRecordChanges.responseId)))
    .innerJoin(formAssignments, and(eq(formAssignments.tenantId, formResponses.tenantId), eq(formAssignments.id, formResponses.assignmentId)))
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .where(and(eq(formRecordChanges.tenantId, ctx.tenant.id), eq(formRecordChanges.status, 'pending')))
    .orderBy(asc(formRecordChanges.createdAt), asc(formRecordChanges.id))
    .limit(limit);
  // Each proposed value sits beside the record's current one: a read of every listed patient's record.
  const shown = new Map<string, number>();
  for (const r of rows) shown.set(r.patientId, (shown.get(r.patientId) ?? 0) + 1);
  for (const [patientId, changes] of shown) {
    await recordAudit(db, ctx, { action: FormsAuditActions.recordChangesListed, patientId, target: { type: 'patient', id: patientId }, details: { changes } });
  }
  return rows.map(({ firstName, lastName, ...r }) => ({ ...r, patientName: `${firstName} ${lastName}` }));
}

/** How many proposed changes wait for review (a number only: nobody's record is shown). */
export async function countPendingRecordChanges(db: Executor, ctx: StaffContext): Promise<number> {
  assertPermission(ctx, 'forms.assign');
  assertPermission(ctx, 'patients.view');
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(formRecordChanges)
    .where(and(eq(formRecordChanges.tenantId, ctx.tenant.id), eq(formRecordChanges.status, 'pending')));
  return row?.count ?? 0;
}

/** The value as the patient row stores it, or a refusal naming what is wrong. */
export function normaliseRecordValue(field: RecordField, proposed: string, today: string): string {
  const value = proposed.normalize('NFKC').trim();
  const invalid = (why: string) => new FormsRuleError('change-invalid', undefined, { field }, `This proposed value cannot go into the record: ${why} Reject it, or correct the record by hand.`);
  if (!value) throw invalid('it is empty.');
  switch (field) {
    case 'email': {
      const email = value.toLowerCase();
      if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('it is not an email address.');
      return email;
    }
    case 'phone': {
      const phone = toE164(value);
      if (!phone) throw invalid('it is not a phone number.');
      return phone;
    }
    case 'date_of_birth': {
      const real = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T12:00:00Z`).toISOString().startsWith(value);
      if (!real) throw invalid('it is not a date.');
      if (value > today || value < '1900-01-01') throw invalid('a date of birth is between 1900 and today.');
      return value;
    }
    case 'country': {
      const country = value.toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) throw invalid('a country is a two-letter code, e.g. US.');
      return country;
    }
    case 'postal_code':
      if (value.length > 20) throw invalid('it is too long for a postal code.');
      return value;
    default:
      if (value.length > 200) throw invalid('it is too long.');
      return value;
  }
}

/**
 * Accept (the value goes into the patient's record, audited as patient.updated with before and
 * after) or reject (only marked). Each change is decided once: the row is locked and must still
 * be pending, so a second decision, even at the same moment, is refused ('already-decided').
 */
export async function decideRecordChange(
  db: Executor,
  ctx: StaffContext,
  input: { changeId: string; decision: 'accept' | 'reject' },
): Promise<{ field: RecordField; patientId: string }> {
  assertPermission(ctx, 'forms.assign');
  if (input.decision === 'accept') assertPermission(ctx, 'patients.edit');
  if (!isUuid(input.changeId)) throw new NotFoundError('record change');
  return db.transaction(async (tx) => {
    const [change] = await tx
      .select()
      .from(formRecordChanges)
      .where(and(eq(formRecordChanges.tenantId, ctx.tenant.id), eq(formRecordChanges.id, input.changeId)))
      .for('update');
    if (!change) throw new NotFoundError('record change');
    if (change.status !== 'pending') throw new FormsRuleError('already-decided');
    const at = now();
    await tx
      .update(formRecordChanges)
      .set({ status: input.decision === 'accept' ? 'accepted' : 'rejected', decidedById: ctx.actor.id, decidedAt: at })
      .where(and(eq(formRecordChanges.tenantId, ctx.tenant.id), eq(formRecordChanges.id, change.id)));
    if (input.decision === 'reject') {
      await recordAudit(tx, ctx, {
        action: FormsAuditActions.recordChangeRejected, patientId: change.patientId, target: { type: 'form_record_change', id: change.id },
        details: { field: change.field },
      });
      return { field: change.field, patientId: change.patientId };
    }
    const value = normaliseRecordValue(change.field, change.proposedValue, await clinicToday(tx, ctx.tenant.id));
    const [patient] = await tx
      .select({ before: RECORD_COLUMNS[change.field] })
      .from(patients)
      .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, change.patientId)))
      .for('update');
    if (!patient) throw new NotFoundError('patient');
    const property = PROPERTY[change.field];
    if (patient.before !== value) {
      await tx
        .update(patients)
        .set({ [property]: value, updatedAt: at })
        .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, change.patientId)));
      await recordAudit(tx, ctx, {
        action: AuditActions.patientUpdated, patientId: change.patientId, target: { type: 'patient', id: change.patientId },
        details: { changes: { [property]: { before: patient.before, after: value } }, source: { type: 'form_record_change', id: change.id } },
      });
    }
    await recordAudit(tx, ctx, {
      action: FormsAuditActions.recordChangeAccepted, patientId: change.patientId, target: { type: 'form_record_change', id: change.id },
      details: { field: change.field },
    });
    return { field: change.field, patientId: change.patientId };
  });
}

// ---------------------------------------------------------------------------------------------
// Forms overview

export interface RecentSubmission {
  assignmentId: string;
  patientId: string;
  patientName: string;
  recordNumber: string;
  title: string;
  status: AssignmentStatus;
  submittedAt: Date;
}

/** Recently submitted forms across patients, newest first (the EMR's Forms page). */
export async function listRecentSubmissions(db: Executor, ctx: StaffContext, limit = 50): Promise<RecentSubmission[]> {
  assertPermission(ctx, 'forms.assign');
  assertPermission(ctx, 'patients.view');
  const rows = await db
    .select({
      assignmentId: formAssignments.id, patientId: formAssignments.patientId, firstName: patients.firstName, lastName: patients.lastName,
      recordNumber: patients.recordNumber, title: formTemplates.title, status: formAssignments.status, submittedAt: formAssignments.submittedAt,
    })
    .from(formAssignments)
    .innerJoin(patients, and(eq(patients.tenantId, formAssignments.tenantId), eq(patients.id, formAssignments.patientId)))
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .where(and(eq(formAssignments.tenantId, ctx.tenant.id), inArray(formAssignments.status, ['submitted', 'reviewed']), sql`${formAssignments.submittedAt} is not null`))
    .orderBy(desc(formAssignments.submittedAt), asc(formAssignments.id))
    .limit(limit);
  return rows.map(({ firstName, lastName, submittedAt, ...r }) => ({ ...r, patientName: `${firstName} ${lastName}`, submittedAt: submittedAt! }));
}
