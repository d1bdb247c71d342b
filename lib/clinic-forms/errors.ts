import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

const MESSAGES = {
  'stale-draft': 'Someone else saved this form since you opened it. Reload to see their changes, then make yours again.',
  'not-publishable': 'This form cannot be published yet.',
  'nothing-to-publish': 'There are no unpublished changes to publish.',
  'archived': 'This form is archived. Restore it before changing or assigning it.',
  'never-published': 'Publish this form before assigning it.',
  'kind-mismatch': 'The imported form is a different kind of form.',
  'import-invalid': 'This file is not a FHIR Questionnaire this product can use.',
  'already-assigned': 'This patient already has this form to fill.',
  'not-open': 'This form is no longer open: it was submitted, cancelled or has expired.',
  'stale-answers': 'These answers were changed in another tab or on another device. Reload the page to see the latest answers.',
  'answers-invalid': 'Some answers need your attention.',
  'signature-needed': 'Sign the form to submit it.',
  'not-submitted': 'Only a submitted form can be corrected.',
  'already-amended': 'This response has already been corrected; correct the newest version.',
  'already-decided': 'This change was already accepted or rejected.',
  'no-forms-chosen': 'Choose at least one form.',
  'due-in-past': 'Choose a due date from today on.',
  'due-too-far': 'Choose a due date within a year.',
  'change-invalid': 'This proposed value cannot go into the record as it is. Reject it, or correct the record by hand.',
  'not-reviewable': 'Only a submitted form can be marked reviewed.',
  'activity-day-outside': 'Mark a day between the start of the activity and today.',
} as const;

export type FormsRuleCode = keyof typeof MESSAGES;

/** A forms rule refused the request; the sentence is the one staff or the patient read. */
export class FormsRuleError extends RuleError {
  constructor(code: FormsRuleCode, fieldErrors?: Record<string, string>, extra?: Record<string, unknown>, message?: string) {
    super(code, message ?? MESSAGES[code], fieldErrors, extra);
    this.name = 'FormsRuleError';
  }
}
