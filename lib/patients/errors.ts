import 'server-only';
import { RuleError } from '@/lib/kernel/errors';
import type { DuplicateCandidate } from './form-state';

/** A new patient may already be on file: the form lists the matches (and, by name only, asks to confirm). */
export class PossibleDuplicatesError extends RuleError {
  constructor(readonly duplicates: DuplicateCandidate[]) {
    super(
      'possible-duplicates',
      duplicates.some((d) => d.reason === 'national-id')
        ? 'A patient with this national ID already exists. Open their record instead of creating a new one.'
        : 'This may be a patient we already have. Check the records below; create a new one only if it is a different person.',
      undefined,
      { duplicates },
    );
    this.name = 'PossibleDuplicatesError';
  }
}

/** Editing a patient to a national ID another patient of the clinic has. */
export class NationalIdTakenError extends RuleError {
  constructor() {
    super('national-id-taken', 'Check the highlighted fields.', { nationalId: 'Another patient already has this national ID.' });
    this.name = 'NationalIdTakenError';
  }
}

/** A contact the rules refuse (an unknown record number, the patient themself). */
export class ContactRuleError extends RuleError {
  constructor(field: string, message: string) {
    super('contact-refused', 'Check the highlighted fields.', { [field]: message });
    this.name = 'ContactRuleError';
  }
}
