import 'server-only';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documentTypes, formTemplates, formTemplateVersions } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { z } from '@/lib/validation/zod';
import { FormsAuditActions } from './audit-actions';
import { formKinds, type FormDefinition, type FormKind } from './definition';
import { definitionProblems, formDefinitionSchema } from './definition-schema';
import { FormsRuleError } from './errors';
import { fromQuestionnaire, QuestionnaireImportError, toQuestionnaire, type Questionnaire } from './fhir';
import { STARTER_TEMPLATES } from './starter-templates';

// A clinic's forms (CRM → Forms, `forms.manage`). The draft and every published version are
// stored as FHIR Questionnaires; this module converts at its edges, so callers see definitions.
// Publishing freezes the draft as the next version; editing a published form starts a draft of
// the next one from the latest version; assignments keep the version they were made with.

/** The document type completed forms are filed under when a form names none. */
export const FORMS_DOCUMENT_TYPE = 'Forms';

export interface TemplateSummary {
  id: string;
  kind: FormKind;
  title: string;
  publishedVersion: number | null;
  hasDraft: boolean;
  archived: boolean;
  updatedAt: Date;
}

const summary = {
  id: formTemplates.id,
  kind: formTemplates.kind,
  title: formTemplates.title,
  publishedVersion: formTemplates.publishedVersion,
  hasDraft: sql<boolean>`${formTemplates.draft} is not null`,
  archived: sql<boolean>`${formTemplates.archivedAt} is not null`,
  updatedAt: formTemplates.updatedAt,
};

export async function listTemplates(db: Executor, ctx: StaffContext): Promise<TemplateSummary[]> {
  assertPermission(ctx, 'forms.manage');
  return db
    .select(summary)
    .from(formTemplates)
    .where(eq(formTemplates.tenantId, ctx.tenant.id))
    .orderBy(asc(formTemplates.archivedAt), asc(formTemplates.kind), asc(formTemplates.title), asc(formTemplates.id));
}

/** Forms staff can give a patient now: published and not archived (EMR, `forms.assign`). */
export async function listAssignableTemplates(db: Executor, ctx: StaffContext, kind?: FormKind) {
  assertPermission(ctx, 'forms.assign');
  return db
    .select({ id: formTemplates.id, kind: formTemplates.kind, title: formTemplates.title, publishedVersion: formTemplates.publishedVersion })
    .from(formTemplates)
    .where(
      and(
        eq(formTemplates.tenantId, ctx.tenant.id),
        isNull(formTemplates.archivedAt),
        sql`${formTemplates.publishedVersion} is not null`,
        kind ? eq(formTemplates.kind, kind) : sql`true`,
      ),
    )
    .orderBy(asc(formTemplates.title), asc(formTemplates.id));
}

export interface TemplateDetail extends TemplateSummary {
  documentTypeId: string;
  draftRevision: number;
  /** What the builder edits: the draft, or the latest version when nothing is being changed. */
  definition: FormDefinition;
  versions: { version: number; publishedAt: Date }[];
}

export async function getTemplate(db: Executor, ctx: StaffContext, templateId: string): Promise<TemplateDetail> {
  assertPermission(ctx, 'forms.manage');
  const row = await findTemplate(db, ctx, templateId);
  const versions = await db
    .select({ version: formTemplateVersions.version, publishedAt: formTemplateVersions.publishedAt, definition: formTemplateVersions.definition })
    .from(formTemplateVersions)
    .where(and(eq(formTemplateVersions.tenantId, ctx.tenant.id), eq(formTemplateVersions.templateId, row.id)))
    .orderBy(desc(formTemplateVersions.version));
  const source = row.draft ?? versions[0]?.definition;
  if (!source) throw new NotFoundError('form');
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    publishedVersion: row.publishedVersion,
    hasDraft: row.draft !== null,
    archived: row.archivedAt !== null,
    updatedAt: row.updatedAt,
    documentTypeId: row.documentTypeId,
    draftRevision: row.draftRevision,
    definition: readDefinition(source, row.kind),
    versions: versions.map(({ version, publishedAt }) => ({ version, publishedAt })),
  };
}

/** A published version's definition (the filler, the PDF, the chart). */
export function readDefinition(stored: unknown, kind: FormKind): FormDefinition {
  return fromQuestionnaire(stored, kind, { allowEmpty: true });
}

export const newFormSchema = z.object({
  kind: z.enum(formKinds, 'Choose what kind of form this is.'),
  title: z.string({ error: 'Give the form a title.' }).trim().min(1, 'Give the form a title.').max(200, 'Keep the title under 200 characters.'),
});

/** A new form: a draft with no fields yet, filed under the clinic's "Forms" document type. */
export async function createTemplate(db: Executor, ctx: StaffContext, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'forms.manage');
  const parsed = newFormSchema.safeParse(input);
  if (!parsed.success) throw new FormsRuleError('not-publishable', fieldErrorsOf(parsed.error), undefined, 'Check the highlighted fields.');
  const { kind, title } = parsed.data;
  return insertTemplate(db, ctx, { title, kind, fields: [] }, FormsAuditActions.templateCreated);
}

/** A form from a FHIR Questionnaire (JSON text), as a draft to check and publish. */
export async function importTemplate(db: Executor, ctx: StaffContext, json: string): Promise<{ id: string }> {
  assertPermission(ctx, 'forms.manage');
  let definition: FormDefinition;
  try {
    definition = fromQuestionnaire(JSON.parse(json));
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof QuestionnaireImportError) {
      throw new FormsRuleError('import-invalid', { file: importReason(error) });
    }
    throw error;
  }
  const shape = formDefinitionSchema.safeParse(definition);
  if (!shape.success && shape.error.issues.some((issue) => issue.code !== 'custom')) {
    throw new FormsRuleError('import-invalid', { file: shape.error.issues[0]!.message });
  }
  return insertTemplate(db, ctx, definition, FormsAuditActions.templateImported);
}

function importReason(error: SyntaxError | QuestionnaireImportError): string {
  if (error instanceof SyntaxError) return 'The file is not valid JSON.';
  if (error.reason === 'not_a_questionnaire') return 'The file is JSON, but not a FHIR Questionnaire.';
  if (error.reason === 'no_items') return 'The questionnaire has no questions.';
  if (error.reason.startsWith('unsupported_item_type:')) return `Questions of type “${error.reason.split(':')[1]}” are not supported.`;
  if (error.reason === 'unsupported_condition') return 'A question’s condition uses comparisons this product cannot show (only “equals”, “one of” and “is answered”).';
  if (error.reason === 'too_many_items') return 'The questionnaire has too many questions.';
  return 'The questionnaire has a question this product cannot read.';
}

async function insertTemplate(db: Executor, ctx: StaffContext, definition: FormDefinition, action: string): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const documentTypeId = await formsDocumentType(tx, ctx.tenant.id);
    const [row] = await tx
      .insert(formTemplates)
      .values({ tenantId: ctx.tenant.id, kind: definition.kind, title: definition.title, documentTypeId, draft: toQuestionnaire(definition), createdById: ctx.actor.id })
      .returning({ id: formTemplates.id });
    await recordAudit(tx, ctx, { action, target: { type: 'form_template', id: row!.id }, details: { title: definition.title, kind: definition.kind } });
    return { id: row!.id };
  });
}

/**
 * Saves the builder's draft. `revision` is the draft revision the editor loaded: a save from an
 * older one is refused (another editor saved meanwhile), so nobody's work is overwritten
 * unseen. Drafts may be unfinished; publishing checks the rules.
 */
export async function saveDraft(db: Executor, ctx: StaffContext, templateId: string, input: { revision: number; definition: unknown }): Promise<{ revision: number; problems: string[] }> {
  assertPermission(ctx, 'forms.manage');
  const parsed = formDefinitionSchema.safeParse(input.definition);
  const shapeIssues = parsed.success ? [] : parsed.error.issues.filter((issue) => issue.code !== 'custom');
  if (!parsed.success && shapeIssues.length) {
    throw new FormsRuleError('not-publishable', undefined, { problems: shapeIssues.map((i) => i.message) }, shapeIssues[0]!.message);
  }
  const definition = input.definition as FormDefinition;
  return db.transaction(async (tx) => {
    const row = await findTemplate(tx, ctx, templateId, true);
    if (row.archivedAt) throw new FormsRuleError('archived');
    if (row.kind !== definition.kind) throw new FormsRuleError('kind-mismatch');
    if (row.draftRevision !== input.revision) throw new FormsRuleError('stale-draft', undefined, { stale: true });
    const revision = row.draftRevision + 1;
    await tx
      .update(formTemplates)
      .set({ draft: toQuestionnaire(definition), draftRevision: revision, title: definition.title, updatedAt: new Date() })
      .where(and(eq(formTemplates.tenantId, ctx.tenant.id), eq(formTemplates.id, row.id)));
    await recordAudit(tx, ctx, { action: FormsAuditActions.draftSaved, target: { type: 'form_template', id: row.id }, details: { revision } });
    return { revision, problems: definitionProblems(definition) };
  });
}

/** Freezes the draft as the next version. Refused while the draft breaks a rule. */
export async function publishTemplate(db: Executor, ctx: StaffContext, templateId: string, input: { revision: number }): Promise<{ version: number }> {
  assertPermission(ctx, 'forms.manage');
  return db.transaction(async (tx) => {
    const row = await findTemplate(tx, ctx, templateId, true);
    if (row.archivedAt) throw new FormsRuleError('archived');
    if (!row.draft) throw new FormsRuleError('nothing-to-publish');
    if (row.draftRevision !== input.revision) throw new FormsRuleError('stale-draft', undefined, { stale: true });
    const definition = readDefinition(row.draft, row.kind);
    const problems = definitionProblems(definition);
    if (definition.fields.length === 0) problems.unshift('Add at least one field.');
    if (problems.length) throw new FormsRuleError('not-publishable', undefined, { problems }, `This form cannot be published yet: ${problems[0]}`);
    const version = (row.publishedVersion ?? 0) + 1;
    await tx.insert(formTemplateVersions).values({
      tenantId: ctx.tenant.id,
      templateId: row.id,
      version,
      definition: toQuestionnaire(definition, { status: 'active', version }),
      publishedById: ctx.actor.id,
    });
    await tx
      .update(formTemplates)
      .set({ draft: null, publishedVersion: version, title: definition.title, updatedAt: new Date() })
      .where(and(eq(formTemplates.tenantId, ctx.tenant.id), eq(formTemplates.id, row.id)));
    await recordAudit(tx, ctx, { action: FormsAuditActions.published, target: { type: 'form_template', id: row.id }, details: { version } });
    return { version };
  });
}

/** Drops the unpublished changes (the builder then shows the latest version). */
export async function discardDraft(db: Executor, ctx: StaffContext, templateId: string): Promise<void> {
  assertPermission(ctx, 'forms.manage');
  await db.transaction(async (tx) => {
    const row = await findTemplate(tx, ctx, templateId, true);
    if (!row.draft || row.publishedVersion === null) throw new FormsRuleError('nothing-to-publish', undefined, undefined, 'There are no published changes to go back to.');
    await tx
      .update(formTemplates)
      .set({ draft: null, draftRevision: row.draftRevision + 1, updatedAt: new Date() })
      .where(and(eq(formTemplates.tenantId, ctx.tenant.id), eq(formTemplates.id, row.id)));
  });
}

/** Archived forms cannot be assigned; what was assigned stays, and can still be filled. */
export async function setTemplateArchived(db: Executor, ctx: StaffContext, templateId: string, archived: boolean): Promise<void> {
  assertPermission(ctx, 'forms.manage');
  await db.transaction(async (tx) => {
    const row = await findTemplate(tx, ctx, templateId, true);
    if ((row.archivedAt !== null) === archived) return;
    await tx
      .update(formTemplates)
      .set({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(formTemplates.tenantId, ctx.tenant.id), eq(formTemplates.id, row.id)));
    await recordAudit(tx, ctx, { action: archived ? FormsAuditActions.archived : FormsAuditActions.restored, target: { type: 'form_template', id: row.id } });
  });
}

/** A version as FHIR JSON (`version` omitted: the latest; the draft when never published). */
export async function exportQuestionnaire(db: Executor, ctx: StaffContext, templateId: string, version?: number): Promise<Questionnaire> {
  assertPermission(ctx, 'forms.manage');
  const row = await findTemplate(db, ctx, templateId);
  const wanted = version ?? row.publishedVersion;
  if (wanted === null || wanted === undefined) return toQuestionnaire(readDefinition(row.draft, row.kind));
  const [stored] = await db
    .select({ definition: formTemplateVersions.definition })
    .from(formTemplateVersions)
    .where(and(eq(formTemplateVersions.tenantId, ctx.tenant.id), eq(formTemplateVersions.templateId, row.id), eq(formTemplateVersions.version, wanted)));
  if (!stored) throw new NotFoundError('form version');
  return stored.definition as Questionnaire;
}

async function findTemplate(db: Executor, ctx: StaffContext, templateId: string, lock = false) {
  if (!isUuid(templateId)) throw new NotFoundError('form');
  const query = db
    .select()
    .from(formTemplates)
    .where(and(eq(formTemplates.tenantId, ctx.tenant.id), eq(formTemplates.id, templateId)))
    .$dynamic();
  const [row] = await (lock ? query.for('update') : query);
  if (!row) throw new NotFoundError('form');
  return row;
}

/** The clinic's "Forms" document type, made when first needed (the clinic may rename it later). */
async function formsDocumentType(db: Executor, tenantId: string): Promise<string> {
  await db.insert(documentTypes).values({ tenantId, name: FORMS_DOCUMENT_TYPE }).onConflictDoNothing();
  const [row] = await db
    .select({ id: documentTypes.id })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.name, FORMS_DOCUMENT_TYPE)));
  return row!.id;
}

/**
 * The starter forms (general intake, privacy acknowledgement, PHQ-9, a home activity), published
 * as version 1. Run when a clinic is created and by the demo seed; each is installed once.
 */
export async function installStarterTemplates(db: Executor, tenantId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const documentTypeId = await formsDocumentType(tx, tenantId);
    for (const { key, definition } of STARTER_TEMPLATES) {
      const [row] = await tx
        .insert(formTemplates)
        .values({ tenantId, kind: definition.kind, title: definition.title, documentTypeId, publishedVersion: 1, starterKey: key })
        .onConflictDoNothing()
        .returning({ id: formTemplates.id });
      if (!row) continue;
      await tx.insert(formTemplateVersions).values({ tenantId, templateId: row.id, version: 1, definition: toQuestionnaire(definition, { status: 'active', version: 1 }) });
    }
  });
}

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}
