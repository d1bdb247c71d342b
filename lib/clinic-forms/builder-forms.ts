import 'server-only';
import type { ActionState } from '@/lib/actions/result';
import { z } from '@/lib/validation/zod';

// The CRM Forms pages' own posts (the builder's save, publish, discard; archive; import), as zod
// schemas the actions parse. The definition itself is checked by lib/clinic-forms/templates.ts
// (formDefinitionSchema): here it is only JSON text of a bounded size. The builder imports the
// result types only.

const RELOAD = 'This page is out of date. Reload it and try again.';
/** The largest definition or imported file taken, in characters (a 300-field form is far below). */
export const MAX_DEFINITION_CHARS = 1_000_000;

const templateId = z.string({ error: RELOAD }).max(64, RELOAD);
const revision = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v),
  z.number({ error: RELOAD }).int(RELOAD).min(0, RELOAD),
);

export const templateRefSchema = z.object({ templateId });

export const archiveFormSchema = z.object({ templateId, archived: z.enum(['true', 'false'], { error: RELOAD }) });

export const publishFormSchema = z.object({ templateId, revision });

export const saveDraftFormSchema = z.object({
  templateId,
  revision,
  definition: z
    .string({ error: RELOAD })
    .max(MAX_DEFINITION_CHARS, 'This form is too large to save.')
    .transform((text, issue) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        issue.addIssue({ code: 'custom', message: RELOAD });
        return z.NEVER;
      }
    }),
});

/** The import form: pasted JSON (the file, if one was chosen, is read by the action). */
export const importFormSchema = z.object({
  json: z.string({ error: 'Paste the questionnaire as JSON text.' }).max(MAX_DEFINITION_CHARS, 'The pasted JSON is too large (at most 1 MB).').optional(),
});

/** What the builder's save answers. */
export interface BuilderSaveState extends ActionState {
  revision?: number;
  /** The rules the saved draft still breaks (publishing waits for none). */
  problems?: string[];
  /** Someone saved since this page was loaded: the builder offers a reload. */
  stale?: boolean;
}

/** What publish and discard answer. */
export interface BuilderStepState extends ActionState {
  problems?: string[];
}
