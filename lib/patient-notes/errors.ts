import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

/**
 * A note the caller can read but not change: a colleague's note, or a patient's note shared with
 * the clinic (read-only to staff). A note the caller cannot read is not-found instead.
 */
export class NoteNotAuthorError extends RuleError {
  constructor(kind: 'staff' | 'patient') {
    super(
      'note-not-author',
      kind === 'patient'
        ? 'Notes the patient shares are read-only: only the patient can change or delete them.'
        : 'Only the author of a note can change or delete it.',
    );
    this.name = 'NoteNotAuthorError';
  }
}
