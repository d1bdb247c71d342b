'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import { portalAction, portalCall } from '@/lib/actions/wrappers';
import { uploadAnswerFile } from '@/lib/clinic-forms/answer-files';
import { answerFields, type FormDefinition } from '@/lib/clinic-forms/definition';
import { answersFromEntries } from '@/lib/clinic-forms/answers';
import type { Answers } from '@/lib/clinic-forms/enable-when';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { fileSubmittedForms } from '@/lib/clinic-forms/filing';
import { isFillProblem, saveAnswersSchema, type FillProblem } from '@/lib/clinic-forms/fill-rules';
import type { AnswerFileState, FillState, SaveAnswersState } from '@/components/clinic-forms/fill/fill-state';
import { definitionForFilling, saveAnswers, submitForm } from '@/lib/clinic-forms/responses';
import { maxUploadBytes } from '@/lib/documents/document-scope';
import { DocumentInputError } from '@/lib/documents/errors';
import { formatBytes, SERVER_ACTION_MAX_BYTES } from '@/lib/documents/file-rules';
import type { Translate } from '@/lib/i18n/core';
import { forms } from '@/lib/i18n/messages/forms';
import { afterResponse } from '@/lib/messaging/after-response';

// The patient comes from the session only; an assignment that is not the selected patient's
// answers "no longer exists". Answers are read with the form's own definition (answersFromEntries),
// so posted names that are not questions of the form are ignored.
const messages = { notFound: 'formNotFound', busy: 'busy', conflict: 'busy', invalid: 'answersInvalid' } as const;
type T = Translate<(typeof forms)['en']>;

function textEntries(form: FormData): [string, string][] {
  return [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

function postedSignatures(definition: FormDefinition, form: FormData) {
  const out: Record<string, { name: string; role: string; drawing: string }> = {};
  for (const field of answerFields(definition)) {
    if (field.type !== 'signature') continue;
    const read = (part: string) => {
      const value = form.get(`signature.${field.linkId}.${part}`);
      return typeof value === 'string' ? value : '';
    };
    out[field.linkId] = { name: read('name').slice(0, 300), role: read('role').slice(0, 30), drawing: read('drawing') };
  }
  return out;
}

async function fileRefusal(ctx: PortalContext, error: unknown, size: number, t: T): Promise<string | null> {
  if (!(error instanceof DocumentInputError)) return null;
  if (error.code === 'empty') return t('fileEmpty');
  if (error.code === 'too_large') return t('fileTooLarge', { size: formatBytes(size), max: formatBytes(Math.min(await maxUploadBytes(getDb(), ctx.tenant.id), SERVER_ACTION_MAX_BYTES)) });
  if (error.code === 'unsupported_type') return t('fileWrongType');
  return t('fileFailed');
}

/** Files chosen in file questions of a form posted without JavaScript: stored, and their ids put in the answers. */
async function attachPostedFiles(ctx: PortalContext, assignmentId: string, definition: FormDefinition, form: FormData, answers: Answers, t: T) {
  const fileErrors: Record<string, string> = {};
  for (const field of answerFields(definition)) {
    const file = field.type === 'file' ? form.get(`file.${field.linkId}`) : null;
    if (!(file instanceof File) || (file.size === 0 && !file.name)) continue;
    try {
      const { fileId } = await uploadAnswerFile(getDb(), ctx, assignmentId, { linkId: field.linkId, file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name } });
      answers[field.linkId] = fileId;
    } catch (error) {
      const refusal = await fileRefusal(ctx, error, file.size, t);
      if (refusal === null) throw error;
      fileErrors[field.linkId] = refusal;
    }
  }
  return fileErrors;
}

function problemsOf(error: FormsRuleError): Record<string, FillProblem> {
  const raw = (error.extra?.problems ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).filter((entry): entry is [string, FillProblem] => isFillProblem(entry[1])));
}

/**
 * The form's own post: "Save and continue later" (intent=save) or "Submit" (intent=submit). The
 * page sends it without JavaScript too; with JavaScript the answers were autosaved already and
 * this saves or submits what is on the page, naming the latest revision.
 */
export const fillFormAction = portalAction(
  { area: 'forms', catalog: forms, messages },
  Object.assign(async (ctx: PortalContext, _input: unknown, { form, t }: { form?: FormData; t: T }): Promise<FillState> => {
    if (!form) return { ok: false, message: t('formNotFound') };
    const assignmentId = String(form.get('assignmentId') ?? '').slice(0, 64);
    const revision = Number(form.get('revision'));
    const intent = form.get('intent') === 'submit' ? 'submit' : 'save';
    const db = getDb();
    const definition = await definitionForFilling(db, ctx, assignmentId);
    const answers = answersFromEntries(definition, textEntries(form));
    const signatures = postedSignatures(definition, form);
    const echo = { answers, signatures: Object.fromEntries(Object.entries(signatures).map(([id, s]) => [id, { name: s.name, role: s.role }])) };
    if (!Number.isSafeInteger(revision) || revision < 0) return { ok: false, message: t('staleAnswers'), stale: true, ...echo };
    const fileErrors = await attachPostedFiles(ctx, assignmentId, definition, form, answers, t);
    if (Object.keys(fileErrors).length) return { ok: false, message: t('answersInvalid'), fileErrors, ...echo };
    try {
      if (intent === 'save') {
        const saved = await saveAnswers(db, ctx, assignmentId, { revision, answers });
        return { ok: true, done: 'saved', message: t('savedForLater'), revision: saved.revision, problems: saved.problems, ...echo };
      }
      const { responseId } = await submitForm(db, ctx, assignmentId, { revision, answers, signatures });
      // The PDF is made after the answer is sent; the scheduled job files any this misses.
      await afterResponse('forms: filing the submitted form', async () => {
        await fileSubmittedForms(getDb(), { responseId });
      });
      revalidatePath('/portal/forms');
      revalidatePath('/portal');
    } catch (error) {
      if (!(error instanceof FormsRuleError)) throw error;
      if (error.code === 'stale-answers') return { ok: false, stale: true, message: t('staleAnswers'), ...echo };
      if (error.code === 'not-open') return { ok: false, message: t('notOpen') };
      if (error.code === 'signature-needed') return { ok: false, message: t('signatureNeededMessage'), problems: problemsOf(error), ...echo };
      if (error.code === 'answers-invalid') return { ok: false, message: t('answersInvalid'), problems: problemsOf(error), ...echo };
      throw error;
    }
    // The submitted form's page shows the thanks (and, soon, the PDF); with or without JavaScript.
    redirect(`/portal/forms/${assignmentId}?sent=1`);
  }, { fields: ['assignmentId', 'revision', 'intent'] }),
);

/** The page's autosave (JSON): answers keyed by linkId and the revision the page last saw. */
export const saveFormAnswersCall = portalCall(
  { area: 'forms', catalog: forms, schema: saveAnswersSchema, messages },
  async (ctx, input, { t }): Promise<SaveAnswersState> => {
    try {
      const saved = await saveAnswers(getDb(), ctx, input.assignmentId, { revision: input.revision, answers: input.answers as Answers });
      return { ok: true, revision: saved.revision, problems: saved.problems };
    } catch (error) {
      if (error instanceof FormsRuleError && error.code === 'stale-answers') return { ok: false, stale: true, message: t('staleAnswers') };
      if (error instanceof FormsRuleError && error.code === 'not-open') return { ok: false, message: t('notOpen') };
      throw error;
    }
  },
);

/** A file chosen in a file question (multipart: assignmentId, linkId, file); the page puts the id in the answer. */
export const uploadFormFileCall = portalCall(
  { area: 'forms', catalog: forms, messages },
  Object.assign(async (ctx: PortalContext, _input: unknown, { form, t }: { form?: FormData; t: T }): Promise<AnswerFileState> => {
    const file = form?.get('file');
    if (!form || !(file instanceof File)) return { ok: false, message: t('fileFailed') };
    const assignmentId = String(form.get('assignmentId') ?? '').slice(0, 64);
    const linkId = String(form.get('linkId') ?? '').slice(0, 64);
    try {
      const { fileId } = await uploadAnswerFile(getDb(), ctx, assignmentId, { linkId, file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name } });
      return { ok: true, fileId };
    } catch (error) {
      if (error instanceof FormsRuleError && error.code === 'not-open') return { ok: false, message: t('notOpen') };
      const refusal = await fileRefusal(ctx, error, file.size, t);
      if (refusal === null) throw error;
      return { ok: false, message: refusal, fieldErrors: { file: refusal } };
    }
  }, { fields: ['assignmentId', 'linkId', 'file'] }),
);
