import 'server-only';
import type { PortalNoteFormText } from '@/components/patient-notes/portal-note-form';
import type { Translate } from '@/lib/i18n/core';
import type { notes } from '@/lib/i18n/messages/notes';

type NotesT = Translate<(typeof notes)['en']>;

const ERROR_KEYS = ['errTitleRequired', 'errTitleTooLong', 'errBodyRequired', 'errBodyTooLong', 'errControl', 'errVisibility', 'noteNotFound', 'fixErrors'] as const;

/** The note form's words in the page's language (the new and edit pages share the form). */
export function noteFormText(t: NotesT, submit: 'save' | 'saveChanges'): PortalNoteFormText {
  return {
    titleLabel: t('titleLabel'), bodyLabel: t('bodyLabel'), bodyHint: t('bodyHint'),
    visibilityLabel: t('visibilityLabel'), visibilityHint: t('visibilityHint'),
    visibilityOptionPrivate: t('visibilityOptionPrivate'), visibilityOptionShared: t('visibilityOptionShared'),
    submit: t(submit), submitting: t('saving'),
    errors: Object.fromEntries(ERROR_KEYS.map((key) => [key, t(key)])),
  };
}
