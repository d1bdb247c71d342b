import type { forms } from '@/lib/i18n/messages/forms';

/**
 * The words the form filler shows (of lib/i18n/messages/forms.ts), handed to it alone: the whole
 * catalogue went into every form page's RSC payload. A key the filler reads but this list misses
 * is a type error (FormsMessages is this pick).
 */
export const FILLER_MESSAGE_KEYS = [
  'drawArea', 'drawClear', 'drawCleared', 'drawHint', 'drawLabel', 'drawn',
  'fileAttached', 'fileFailed', 'fileHint', 'fileReplace', 'fileTooLarge', 'fileUploading',
  'yes', 'no', 'reload', 'requiredMark', 'requiredNote', 'roleGuardian', 'rolePatient', 'roleRepresentative',
  'saveLater', 'signatureName', 'signatureNameHint', 'signatureRole', 'staleAnswers',
  'statusNotSaved', 'statusSaved', 'statusSaving', 'submit', 'submitting',
  'problemRequired', 'problemTooLong', 'problemControlCharacters', 'problemNumber', 'problemInteger', 'problemMin', 'problemMax',
  'problemDate', 'problemOption', 'problemEmail', 'problemPhone', 'problemFile',
  'problemSignatureNeeded', 'problemSignatureName', 'problemSignatureRole', 'problemSignatureDrawing',
] as const satisfies readonly (keyof (typeof forms)['en'])[];

export type FormsMessages = Pick<(typeof forms)['en'], (typeof FILLER_MESSAGE_KEYS)[number]>;
