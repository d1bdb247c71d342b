import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import type { Placeholder } from '@/db/prepared';
import {
  documents, documentTypes, formAssignments, formRecordChanges, formResponses, formSignatures, formTemplates, formTemplateVersions, patients,
  type AssignmentStatus, type FormResponse, type ResponseStatus,
} from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { eventActorOf, recordEvent } from '@/lib/engagement/events';
import { completeRequirementsForAssignment } from '@/lib/commerce/requirements';
import { isUuid } from '@/lib/kernel/ids';
import { toE164 } from '@/lib/phone/format';
import { RECORD_COLUMNS } from './record-fields';
import { answerFileExists } from './answer-files';
import { checkAnswers } from './answers';
import { FormsAuditActions } from './audit-actions';
import { answerFields, type FormDefinition, type FormKind, type RecordField } from './definition';
import { visibleFields, type Answers } from './enable-when';
import { FormsRuleError } from './errors';
import type { FillProblem } from './fill-rules';
import { fromResponseItems, toResponseItems, type ResponseItem } from './response-items';
import { scoreAnswers } from './scoring';
import { consentTextFor, defaultSignerRole, readSignature, signatureContentHash, type SignatureInput } from './signature';
import { readDefinition } from './templates';

// Filling a form in the portal (issue 15 point 5, 6, 7): the patient — or a linked family member
// acting for them — lists their forms, opens one pinned to its version, autosaves answers with a
// revision (a save from an older revision is refused: another tab or device saved since), and
// submits: answers checked as final, signatures stored with the hash of what they cover, record
// changes queued for staff, the response made immutable (the database refuses later updates).
// The PDF is filed afterwards (filing.ts). The patient comes from the context, never from input.

const OPEN: AssignmentStatus[] = ['assigned', 'in_progress'];
const DONE: AssignmentStatus[] = ['submitted', 'reviewed'];

/** The response no other response amends: the one the assignment's answers are in now. */
const isCurrentResponse = sql`not exists (select 1 from form_responses newer where newer.tenant_id = ${formResponses.tenantId} and newer.amends_response_id = ${formResponses.id})`;

export interface PortalFormItem {
  assignmentId: string;
  title: string;
  kind: FormKind;
  status: AssignmentStatus;
  dueOn: string | null;
  submittedAt: Date | null;
  /** The filed PDF, when it exists and the portal shows documents of its type. */
  documentId: string | null;
}

/**
 * The patient's forms: open ones (assigned, being filled) by due date, and completed ones newest
 * first. Home activities are content rather than forms to fill, so they are listed elsewhere.
 */
export async function listPortalForms(db: Executor, ctx: PortalContext): Promise<{ open: PortalFormItem[]; completed: PortalFormItem[] }> {
  await assertPortalArea(db, ctx, 'forms');
  const rows = await db
    .select({
      assignmentId: formAssignments.id,
      title: sql<string>`coalesce(${formTemplateVersions.definition}->>'title', ${formTemplates.title})`,
      kind: formTemplates.kind,
      status: formAssignments.status,
      dueOn: formAssignments.dueOn,
      submittedAt: formAssignments.submittedAt,
      documentId: sql<string | null>`(
        select ${documents.id} from ${formResponses}
        join ${documents} on ${documents.tenantId} = ${formResponses.tenantId} and ${documents.id} = ${formResponses.documentId}
        join ${documentTypes} on ${documentTypes.tenantId} = ${documents.tenantId} and ${documentTypes.id} = ${documents.typeId}
        where ${formResponses.tenantId} = ${formAssignments.tenantId} and ${formResponses.assignmentId} = ${formAssignments.id}
          and ${formResponses.status} = 'submitted' and ${documents.visibleToPatient} and ${documents.status} = 'available'
          and ${documents.deletedAt} is null and not ${documentTypes.hiddenFromPortal}
        order by ${formResponses.submittedAt} desc limit 1)`,
    })
    .from(formAssignments)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
    .where(and(
      eq(formAssignments.tenantId, ctx.tenant.id),
      eq(formAssignments.patientId, ctx.patient.id),
      inArray(formAssignments.status, [...OPEN, ...DONE]),
      sql`${formTemplates.kind} <> 'home_activity'`,
    ))
    .orderBy(sql`${formAssignments.dueOn} asc nulls last`, desc(formAssignments.submittedAt), asc(formAssignments.createdAt), asc(formAssignments.id))
    .limit(200);
  if (rows.length > 0) {
    // Form titles can say something about health (a depression questionnaire): a read of the record.
    await recordAudit(db, ctx, {
      action: FormsAuditActions.listed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
      details: { count: rows.length, area: 'portal' },
    });
  }
  const open = rows.filter((r) => OPEN.includes(r.status));
  const completed = rows.filter((r) => DONE.includes(r.status)).sort((a, b) => (b.submittedAt?.getTime() ?? 0) - (a.submittedAt?.getTime() ?? 0));
  return { open, completed };
}

/**
 * The patient's open forms (not home activities), as a scalar subquery for a query that already
 * runs on the page: the portal home reads it with its next visits (lib/patients/portal-dashboard.ts).
 */
export function openPortalFormsCount(scope: { tenantId: string | Placeholder; patientId: string | Placeholder }) {
  return sql<number>`(select count(*)::int from ${formAssignments}
    inner join ${formTemplates} on ${formTemplates.tenantId} = ${formAssignments.tenantId} and ${formTemplates.id} = ${formAssignments.templateId}
    where ${formAssignments.tenantId} = ${scope.tenantId}::uuid and ${formAssignments.patientId} = ${scope.patientId}::uuid
      and ${formAssignments.status} in (${sql.join(OPEN.map((status) => sql`${status}`), sql`, `)})
      and ${formTemplates.kind} <> 'home_activity')`;
}

export interface FillableForm {
  assignmentId: string;
  status: AssignmentStatus;
  kind: FormKind;
  dueOn: string | null;
  message: string | null;
  versionId: string;
  version: number;
  definition: FormDefinition;
  /** The saved answers of the current response (empty before the first save). */
  answers: Answers;
  /** The revision the next save must name. */
  revision: number;
  responseStatus: ResponseStatus | null;
  submittedAt: Date | null;
  documentId: string | null;
  /** The consent statement of each signature field, as it is signed. */
  consentTexts: Record<string, string>;
  defaultSignerRole: SignatureInput['role'];
}

interface AssignmentRow {
  id: string;
  templateId: string;
  status: AssignmentStatus;
  kind: FormKind;
  dueOn: string | null;
  message: string | null;
  versionId: string;
  version: number;
  stored: unknown;
}

/** The assignment of the context's patient, locked when changing it; anyone else's is not-found. */
async function findAssignment(db: Executor, ctx: PortalContext, assignmentId: string, lock: boolean): Promise<AssignmentRow & { definition: FormDefinition }> {
  if (!isUuid(assignmentId)) throw new NotFoundError('form');
  const query = db
    .select({
      id: formAssignments.id,
      templateId: formAssignments.templateId,
      status: formAssignments.status,
      kind: formTemplates.kind,
      dueOn: formAssignments.dueOn,
      message: formAssignments.message,
      versionId: formAssignments.versionId,
      version: formTemplateVersions.version,
      stored: formTemplateVersions.definition,
    })
    .from(formAssignments)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
    .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignmentId), eq(formAssignments.patientId, ctx.patient.id)))
    .$dynamic();
  const [row] = await (lock ? query.for('update', { of: formAssignments }) : query);
  if (!row || row.kind === 'home_activity') throw new NotFoundError('form');
  return { ...row, definition: readDefinition(row.stored, row.kind) };
}

/** An assignment's current response (the one no amendment replaces): read by the filling page and every save. */
export function currentResponseQuery(db: Executor, tenantId: string, assignmentId: string) {
  return db
    .select()
    .from(formResponses)
    .where(and(eq(formResponses.tenantId, tenantId), eq(formResponses.assignmentId, assignmentId), isCurrentResponse))
    .orderBy(desc(formResponses.createdAt))
    .limit(1)
    .$dynamic();
}

async function currentResponse(db: Executor, tenantId: string, assignmentId: string, lock: boolean): Promise<FormResponse | null> {
  const query = currentResponseQuery(db, tenantId, assignmentId);
  const [row] = await (lock ? query.for('update', { of: formResponses }) : query);
  return row ?? null;
}

function consentTexts(definition: FormDefinition): Record<string, string> {
  return Object.fromEntries(answerFields(definition).filter((f) => f.type === 'signature').map((f) => [f.linkId, consentTextFor(definition, f.linkId)]));
}

/** The form as the filling page shows it, with the answers saved so far. Reading them is audited. */
export async function loadFormForFilling(db: Executor, ctx: PortalContext, assignmentId: string): Promise<FillableForm> {
  await assertPortalArea(db, ctx, 'forms');
  const assignment = await findAssignment(db, ctx, assignmentId, false);
  if (!OPEN.includes(assignment.status) && !DONE.includes(assignment.status)) throw new NotFoundError('form');
  const response = await currentResponse(db, ctx.tenant.id, assignment.id, false);
  if (response) {
    await recordAudit(db, ctx, {
      action: FormsAuditActions.responseViewed, patientId: ctx.patient.id, target: { type: 'form_response', id: response.id },
      details: { area: 'portal', assignmentId: assignment.id },
    });
  }
  return {
    assignmentId: assignment.id,
    status: assignment.status,
    kind: assignment.kind,
    dueOn: assignment.dueOn,
    message: assignment.message,
    versionId: assignment.versionId,
    version: assignment.version,
    definition: assignment.definition,
    answers: response ? fromResponseItems(assignment.definition, response.items as ResponseItem[]) : {},
    revision: response?.revision ?? 0,
    responseStatus: response?.status ?? null,
    submittedAt: response?.submittedAt ?? null,
    documentId: response?.documentId ?? null,
    consentTexts: consentTexts(assignment.definition),
    defaultSignerRole: defaultSignerRole(ctx.patient.relationship),
  };
}

/** The pinned version's definition, to read a posted form's answers before saving or submitting them. */
export async function definitionForFilling(db: Executor, ctx: PortalContext, assignmentId: string): Promise<FormDefinition> {
  await assertPortalArea(db, ctx, 'forms');
  return (await findAssignment(db, ctx, assignmentId, false)).definition;
}

export interface SaveResult {
  revision: number;
  /** Answers that were not kept, by linkId (they are shown beside their fields). */
  problems: Record<string, FillProblem>;
}

/**
 * An autosave (or "Save and continue later"). Answers that pass their field's check are stored
 * as QuestionnaireResponse items; answers of hidden fields and answers that fail are not kept and
 * come back as problems. `revision` is the revision the page last saw: any other is refused
 * (stale-answers), so a stale tab never overwrites newer answers.
 */
export async function saveAnswers(db: Executor, ctx: PortalContext, assignmentId: string, input: { revision: number; answers: Answers }): Promise<SaveResult> {
  await assertPortalArea(db, ctx, 'forms');
  return db.transaction(async (tx) => {
    const assignment = await findAssignment(tx, ctx, assignmentId, true);
    if (!OPEN.includes(assignment.status)) throw new FormsRuleError('not-open');
    const response = await currentResponse(tx, ctx.tenant.id, assignment.id, true);
    if (response?.status === 'submitted') throw new FormsRuleError('not-open');
    if ((response?.revision ?? 0) !== input.revision) throw new FormsRuleError('stale-answers');
    const check = checkAnswers(assignment.definition, input.answers, { final: false });
    const items = toResponseItems(assignment.definition, check.answers);
    const revision = input.revision + 1;
    const at = now();
    let responseId: string;
    if (response) {
      await tx
        .update(formResponses)
        .set({ items, revision, lastEditedByAccountId: ctx.account.id, updatedAt: at })
        .where(and(eq(formResponses.tenantId, ctx.tenant.id), eq(formResponses.id, response.id), eq(formResponses.revision, input.revision)));
      responseId = response.id;
    } else {
      const [row] = await tx
        .insert(formResponses)
        .values({ tenantId: ctx.tenant.id, assignmentId: assignment.id, patientId: ctx.patient.id, versionId: assignment.versionId, items, revision, lastEditedByAccountId: ctx.account.id })
        .returning({ id: formResponses.id });
      responseId = row!.id;
    }
    if (assignment.status === 'assigned') {
      await tx
        .update(formAssignments)
        .set({ status: 'in_progress', updatedAt: at })
        .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignment.id)));
    }
    await recordAudit(tx, ctx, {
      action: FormsAuditActions.responseSaved, patientId: ctx.patient.id, target: { type: 'form_response', id: responseId },
      details: { area: 'portal', assignmentId: assignment.id, revision },
    });
    return { revision, problems: check.problems };
  });
}

export interface SubmitInput {
  revision: number;
  answers: Answers;
  /** By signature field linkId, as posted: the typed name, the role, the drawing (PNG data URL). */
  signatures: Record<string, { name?: unknown; role?: unknown; drawing?: unknown }>;
}

/**
 * Submits the form. Every shown required question answered and every shown required signature
 * given, or nothing changes (answers-invalid / signature-needed with the problems by linkId).
 * In one transaction: the response is submitted (immutable from then on), scored, the assignment
 * submitted, the signatures stored with the hash of what they cover, and the answers that would
 * change the patient's record queued for staff (never applied here). The PDF is filed after.
 */
export async function submitForm(db: Executor, ctx: PortalContext, assignmentId: string, input: SubmitInput): Promise<{ responseId: string }> {
  await assertPortalArea(db, ctx, 'forms');
  return db.transaction(async (tx) => {
    const assignment = await findAssignment(tx, ctx, assignmentId, true);
    if (!OPEN.includes(assignment.status)) throw new FormsRuleError('not-open');
    const response = await currentResponse(tx, ctx.tenant.id, assignment.id, true);
    if (response?.status === 'submitted') throw new FormsRuleError('not-open');
    if ((response?.revision ?? 0) !== input.revision) throw new FormsRuleError('stale-answers');

    const { definition } = assignment;
    const check = checkAnswers(definition, input.answers, { final: true });
    const problems: Record<string, FillProblem> = { ...check.problems };
    for (const field of answerFields(definition)) {
      if (field.type === 'file' && typeof check.answers[field.linkId] === 'string' && !problems[field.linkId]) {
        const exists = await answerFileExists(ctx, assignment.id, check.answers[field.linkId] as string);
        if (!exists) problems[field.linkId] = 'file';
      }
    }
    const visible = visibleFields(definition, input.answers);
    const signatures: { linkId: string; value: SignatureInput }[] = [];
    for (const field of answerFields(definition)) {
      if (field.type !== 'signature' || !visible.has(field.linkId)) continue;
      const raw = input.signatures[field.linkId];
      const given = raw && ((typeof raw.name === 'string' && raw.name.trim() !== '') || (typeof raw.drawing === 'string' && raw.drawing !== ''));
      if (!given) {
        if (field.required) problems[field.linkId] = 'signature_needed';
        continue;
      }
      const read = readSignature(raw);
      if ('problem' in read) problems[field.linkId] = read.problem;
      else signatures.push({ linkId: field.linkId, value: read.value });
    }
    if (Object.keys(problems).length > 0) {
      const onlySignatures = Object.values(problems).every((p) => p === 'signature_needed');
      throw new FormsRuleError(onlySignatures ? 'signature-needed' : 'answers-invalid', undefined, { problems });
    }

    const items = toResponseItems(definition, check.answers);
    const score = scoreAnswers(definition, check.answers)?.score ?? null;
    const at = now();
    const submitted = { items, score, status: 'submitted' as const, submittedAt: at, submittedByAccountId: ctx.account.id, lastEditedByAccountId: ctx.account.id, updatedAt: at };
    let responseId: string;
    if (response) {
      await tx
        .update(formResponses)
        .set({ ...submitted, revision: response.revision + 1 })
        .where(and(eq(formResponses.tenantId, ctx.tenant.id), eq(formResponses.id, response.id)));
      responseId = response.id;
    } else {
      const [row] = await tx
        .insert(formResponses)
        .values({ tenantId: ctx.tenant.id, assignmentId: assignment.id, patientId: ctx.patient.id, versionId: assignment.versionId, revision: 1, ...submitted })
        .returning({ id: formResponses.id });
      responseId = row!.id;
    }
    await tx
      .update(formAssignments)
      .set({ status: 'submitted', submittedAt: at, updatedAt: at })
      .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignment.id)));
    // An order waiting for this form (lib/commerce): its requirement is done with the submit.
    await completeRequirementsForAssignment(tx, ctx.tenant.id, assignment.id);

    if (signatures.length > 0) {
      await tx.insert(formSignatures).values(signatures.map(({ linkId, value }) => {
        const consentText = consentTextFor(definition, linkId);
        return {
          tenantId: ctx.tenant.id, responseId, linkId,
          signerName: value.name, signerRole: value.role, method: value.drawingPng ? ('drawn' as const) : ('typed' as const), drawingPng: value.drawingPng,
          consentText, contentSha256: signatureContentHash({ consentText, items, versionId: assignment.versionId }),
          signedByAccountId: ctx.account.id, ipAddress: ctx.ip?.slice(0, 100) ?? null, userAgent: ctx.userAgent?.slice(0, 500) ?? null, signedAt: at,
        };
      }));
    }

    const changes = await recordChanges(tx, ctx, definition, check.answers);
    if (changes.length > 0) {
      await tx.insert(formRecordChanges).values(changes.map((c) => ({ tenantId: ctx.tenant.id, responseId, patientId: ctx.patient.id, ...c })));
    }
    await recordAudit(tx, ctx, {
      action: FormsAuditActions.responseSubmitted, patientId: ctx.patient.id, target: { type: 'form_response', id: responseId },
      details: { area: 'portal', assignmentId: assignment.id, version: assignment.version, signatures: signatures.length, recordChanges: changes.map((c) => c.field) },
    });
    await recordEvent(tx, ctx.tenant.id, {
      name: 'form.submitted', patientId: ctx.patient.id, subject: { assignmentId: assignment.id, templateId: assignment.templateId, responseId }, actor: eventActorOf(ctx),
    });
    return { responseId };
  });
}

/** Compared as the record means them: emails without case, phones by their digits, text without extra spaces. */
export function sameRecordValue(field: RecordField, a: string | null, b: string | null): boolean {
  const norm = (v: string | null) => {
    const text = (v ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
    if (field === 'email') return text.toLowerCase();
    // The record keeps E.164 (+15555550111); "(555) 555-0111" is the same number.
    if (field === 'phone') return toE164(text) ?? text.replace(/\D/g, '');
    return text;
  };
  return norm(a) === norm(b);
}

/** Answers to fields that feed the record and differ from it: proposals for staff, one per record field. */
async function recordChanges(tx: Executor, ctx: PortalContext, definition: FormDefinition, answers: Answers) {
  const feeding = answerFields(definition).filter((f) => f.recordField && answers[f.linkId] !== undefined && answers[f.linkId] !== null);
  if (feeding.length === 0) return [];
  const [record] = await tx.select(RECORD_COLUMNS).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, ctx.patient.id)));
  if (!record) throw new NotFoundError('patient');
  const out = new Map<RecordField, { field: RecordField; proposedValue: string; previousValue: string | null }>();
  for (const field of feeding) {
    const recordField = field.recordField!;
    const proposed = String(answers[field.linkId]).trim();
    const previous = record[recordField] ?? null;
    if (proposed === '' || sameRecordValue(recordField, proposed, previous)) continue;
    if (!out.has(recordField)) out.set(recordField, { field: recordField, proposedValue: proposed, previousValue: previous });
  }
  return [...out.values()];
}
